// Package calendar writes a delegate's conference as an iCalendar file
// (RFC 5545): the conference days and their study visit, as whole days of
// the venue's calendar, in the delegate's language.
package calendar

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"

	"delegate/i18n"
	"delegate/store"
)

// ContentType is the media type of the file.
const ContentType = "text/calendar; charset=utf-8; method=PUBLISH"

// Delegate is the calendar of registration r: the conference, and the
// study visit when they have one. host names the service in each event's
// UID; now is the file's time stamp. The days are dates, not times: 28
// September in Mexico City stays 28 September in a calendar in Tokyo.
func Delegate(r *store.Registration, s *store.Settings, host string, now time.Time) []byte {
	l := i18n.For(r.Language)
	w := &writer{}
	w.line("BEGIN", "VCALENDAR")
	w.line("VERSION", "2.0")
	w.line("PRODID", "-//delegate//"+s.ShortName+"//"+strings.ToUpper(l.Lang))
	w.line("CALSCALE", "GREGORIAN")
	w.line("METHOD", "PUBLISH")
	w.line("X-WR-CALNAME", text(s.ShortName))
	w.line("X-WR-TIMEZONE", s.TimeZone)
	stamp := now.UTC().Format("20060102T150405Z")
	event := func(uid string, first, last time.Time, summary, location, description string) {
		w.line("BEGIN", "VEVENT")
		w.line("UID", uid+"@"+host)
		w.line("DTSTAMP", stamp)
		w.line("DTSTART;VALUE=DATE", first.Format("20060102"))
		w.line("DTEND;VALUE=DATE", last.AddDate(0, 0, 1).Format("20060102")) // the day after the last
		w.line("SUMMARY;LANGUAGE="+l.Lang, text(summary))
		if location != "" {
			w.line("LOCATION;LANGUAGE="+l.Lang, text(location))
		}
		w.line("DESCRIPTION;LANGUAGE="+l.Lang, text(description))
		w.line("TRANSP", "OPAQUE")
		w.line("END", "VEVENT")
	}
	ref := strings.ToLower(r.Reference)
	name, venue := s.Name.In(l.Lang), s.Venue.In(l.Lang)
	event(ref+"-conference", s.Start(), s.End(), name, venue,
		l.T("calendar.conference", name, r.Reference, s.Secretariat.Email))
	if sv, ok := s.StudyVisit(r.StudyVisit); ok {
		if day, err := store.ParseDate(sv.Date); err == nil {
			event(ref+"-visit-"+sv.Code, day, day, sv.Name.In(l.Lang), s.City.In(l.Lang),
				l.T("calendar.visit", name, r.Reference))
		}
	}
	w.line("END", "VCALENDAR")
	return w.buf.Bytes()
}

// writer writes content lines: CRLF after each, folded at 75 octets
// without splitting a character (RFC 5545, 3.1).
type writer struct{ buf bytes.Buffer }

func (w *writer) line(name, value string) {
	s := name + ":" + value
	for width := 75; len(s) > width; width = 74 { // a continuation starts with a space
		cut := width
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.buf.WriteString(s[:cut] + "\r\n ")
		s = s[cut:]
	}
	w.buf.WriteString(s + "\r\n")
}

// text escapes a TEXT value: backslash, semicolon, comma and line ends.
func text(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

// FileName is the file's name, in an email and at /r/{token}/conference.ics.
const FileName = "conference.ics"
