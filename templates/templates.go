// Package templates embeds the HTML pages and the email templates.
package templates

import "embed"

// FS holds the page templates (*.html) and the email templates (email/).
//
//go:embed *.html email/*
var FS embed.FS
