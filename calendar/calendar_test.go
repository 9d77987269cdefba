package calendar_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"delegate/calendar"
	"delegate/store"
)

// Parse reads a calendar file back with an independent RFC 5545 parser
// and returns its events by UID.
func Parse(t *testing.T, data []byte) map[string]*ical.Event {
	t.Helper()
	for i, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\r\n")), []byte("\r\n")) {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, over 75: %q", i+1, len(line), line)
		}
		if bytes.ContainsRune(line, '\n') {
			t.Errorf("line %d ends without CRLF", i+1)
		}
	}
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("not iCalendar: %v\n%s", err, data)
	}
	if v, _ := cal.Props.Text(ical.PropVersion); v != "2.0" {
		t.Errorf("VERSION %q", v)
	}
	if p, _ := cal.Props.Text(ical.PropProductID); p == "" {
		t.Error("no PRODID")
	}
	events := map[string]*ical.Event{}
	for _, e := range cal.Events() {
		uid, _ := e.Props.Text(ical.PropUID)
		events[uid] = &e
	}
	return events
}

func TestConferenceAndStudyVisitAsWholeDays(t *testing.T) {
	s := store.DefaultSettings()
	s.Name.Es = "Segunda Conferencia Internacional sobre Ciudades del Aprendizaje; con un nombre muy largo, para plegar la línea en varias"
	r := store.Registration{Reference: "ICLC-7Q2K9D", Details: store.Details{Language: "es", StudyVisit: s.StudyVisits[1].Code}}
	data := calendar.Delegate(&r, &s, "iclc.example.org", time.Date(2015, 9, 1, 10, 30, 0, 0, time.UTC))
	events := Parse(t, data)
	conf := events["iclc-7q2k9d-conference@iclc.example.org"]
	visit := events["iclc-7q2k9d-visit-"+s.StudyVisits[1].Code+"@iclc.example.org"]
	if conf == nil || visit == nil || len(events) != 2 {
		t.Fatalf("events: %v", events)
	}
	for name, e := range map[string]*ical.Event{"conference": conf, "visit": visit} {
		if stamp, err := e.Props.DateTime(ical.PropDateTimeStamp, time.UTC); err != nil || !stamp.Equal(time.Date(2015, 9, 1, 10, 30, 0, 0, time.UTC)) {
			t.Errorf("%s DTSTAMP %v %v", name, stamp, err)
		}
		if p := e.Props.Get(ical.PropDateTimeStart); p == nil || p.ValueType() != ical.ValueDate {
			t.Errorf("%s DTSTART is not a date: %+v", name, p)
		}
	}
	start, _ := conf.DateTimeStart(time.UTC)
	end, _ := conf.DateTimeEnd(time.UTC)
	if start.Format("2006-01-02") != "2015-09-28" || end.Format("2006-01-02") != "2015-10-01" {
		t.Errorf("conference from %s to %s (the end is the day after the last)", start, end)
	}
	if sum, _ := conf.Props.Text(ical.PropSummary); sum != s.Name.Es {
		t.Errorf("summary %q, want the Spanish name, unfolded and unescaped", sum)
	}
	if loc, _ := conf.Props.Text(ical.PropLocation); loc != "Centro Histórico de la Ciudad de México, México" {
		t.Errorf("location %q", loc)
	}
	if d, _ := conf.Props.Text(ical.PropDescription); !strings.Contains(d, "Su inscripción: ICLC-7Q2K9D") {
		t.Errorf("description %q", d)
	}
	day, _ := visit.DateTimeStart(time.UTC)
	if day.Format("2006-01-02") != s.StudyVisits[1].Date {
		t.Errorf("visit on %s, want %s", day, s.StudyVisits[1].Date)
	}
	if !bytes.Contains(data, []byte("X-WR-TIMEZONE:America/Mexico_City")) {
		t.Error("the venue's time zone is not named")
	}
}
