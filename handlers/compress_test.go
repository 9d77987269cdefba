package handlers_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestResponsesAreCompressed: pages, JSON and CSV come gzipped to a
// client that asks, PDFs as they are, and nothing to one that does not ask.
func TestResponsesAreCompressed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	admin := e.login(t, "admin")
	e.register(t, valid("gz@example.org"))
	for _, c := range []struct {
		path, role, session string
		gzip                bool
		want                string
	}{
		{path: "/admin/registrations?lang=en", session: admin, gzip: true, want: "Registrations"},
		{path: "/api/v1/stats", role: "viewer", gzip: true, want: `"by_status"`},
		{path: "/admin/export/registrations.csv?lang=en", session: admin, gzip: true, want: "gz@example.org"},
		{path: "/static/style.css", gzip: true, want: "{"},
		{path: "/admin/participants.pdf", session: admin, gzip: false, want: "%PDF"},
	} {
		rec := e.do(t, request{method: "GET", path: c.path, role: c.role, session: c.session, header: map[string]string{"Accept-Encoding": "br, gzip;q=0.8"}})
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d", c.path, rec.Code)
			continue
		}
		body := rec.Body.String()
		if got := rec.Header().Get("Content-Encoding") == "gzip"; got != c.gzip {
			t.Errorf("%s: gzipped %v, want %v", c.path, got, c.gzip)
			continue
		}
		if c.gzip {
			r, err := gzip.NewReader(rec.Body)
			if err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			body = string(b)
		}
		if !strings.Contains(body, c.want) {
			t.Errorf("%s: %q not in %.200q", c.path, c.want, body)
		}
	}
	rec := e.do(t, request{method: "GET", path: "/admin/registrations", session: admin})
	if rec.Header().Get("Content-Encoding") != "" || !strings.Contains(rec.Body.String(), "<html") {
		t.Errorf("a client that does not ask got %q", rec.Header().Get("Content-Encoding"))
	}
	rec = e.do(t, request{method: "GET", path: "/admin/registrations", session: admin, header: map[string]string{"Accept-Encoding": "gzip;q=0"}})
	if rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 got gzip")
	}
}
