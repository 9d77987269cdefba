package handlers_test

import (
	"testing"

	"delegate/handlers"
)

// TestHSTSBehindHTTPS: served at an https:// address, every answer tells
// browsers to keep to HTTPS; at http:// (a laptop), none does.
func TestHSTSBehindHTTPS(t *testing.T) {
	t.Parallel()
	secure := newEnvWith(t, func(d *handlers.Deps) {}) // the test service's address is https://iclc.example.org
	if got := secure.do(t, request{method: "GET", path: "/"}).Header().Get("Strict-Transport-Security"); got != "max-age=31536000; includeSubDomains" {
		t.Errorf("https: %q", got)
	}
	plain := newEnvWith(t, func(d *handlers.Deps) { d.BaseURL = "http://localhost:8080" })
	if got := plain.do(t, request{method: "GET", path: "/"}).Header().Get("Strict-Transport-Security"); got != "" {
		t.Errorf("http: %q", got)
	}
}
