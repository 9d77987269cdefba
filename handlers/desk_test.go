package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"delegate/store"
)

// TestDeskRosterSyncAndLiveView: a desk picks its name, downloads the
// roster (no passport data, no code), sends an offline batch twice, prints
// at the scan, and the desk lead sees who is in.
func TestDeskRosterSyncAndLiveView(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	_, in := e.privateLink(t, with(valid("in@example.org"), "category", "speaker", "language", "en"))
	e.privateLink(t, with(valid("away@example.org"), "category", "speaker", "given_names", "Marisol", "family_name", "Quispe"))
	_, lost := e.privateLink(t, with(valid("lost@example.org"), "category", "speaker", "given_names", "Ilse"))
	r, _ := e.db.FindRegistration(ctx, in)
	l, _ := e.db.FindRegistration(ctx, lost)
	inCode, lostCode := e.db.CheckinCode(r), e.db.CheckinCode(l)
	desk := e.login(t, "desk")

	// a desk without a name is asked for one first
	if body := e.do(t, request{method: "GET", path: "/admin/checkin?lang=en", session: desk, noDesk: true}).Body.String(); !strings.Contains(body, "Name this desk") || strings.Contains(body, `id="code"`) {
		t.Errorf("a desk without a name is not asked for one")
	}
	rec := e.do(t, request{method: "POST", path: "/admin/checkin/desk", session: desk, noDesk: true, form: url.Values{"desk": {"Sala Médica"}, "print": {"1"}, "layout": {"cr80"}}})
	if cookies := rec.Header().Values("Set-Cookie"); rec.Code != http.StatusSeeOther || !strings.Contains(strings.Join(cookies, ";"), "delegate_desk=Sala+M%C3%A9dica") ||
		!strings.Contains(strings.Join(cookies, ";"), "delegate_desk_print=cr80") {
		t.Fatalf("naming the desk: %d %v", rec.Code, cookies)
	}
	req := httptest.NewRequest("GET", "/admin/checkin?lang=en", nil)
	req.AddCookie(&http.Cookie{Name: "delegate_admin", Value: desk})
	for _, c := range rec.Result().Cookies() {
		if strings.HasPrefix(c.Name, "delegate_desk") {
			req.AddCookie(c)
		}
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	page := w.Body.String()
	for _, want := range []string{"Desk: Sala Médica", "prints the badge at the first check-in (CR80 card)", `data-layout="cr80"`, `rel="manifest"`,
		"/static/desk.js", `data-zone="America/Mexico_City"`, `<option value="cr80" selected>`} {
		if !strings.Contains(page, want) {
			t.Errorf("desk page lacks %q", want)
		}
	}

	// the roster: every registration, in short keys, hashes not codes
	rec = e.do(t, request{method: "GET", path: "/admin/checkin/roster?lang=en", session: desk})
	var roster struct {
		Next    int64
		More    bool
		Day     string
		Entries []map[string]any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &roster); err != nil || rec.Code != 200 {
		t.Fatalf("roster: %d %v", rec.Code, err)
	}
	body := rec.Body.String()
	if len(roster.Entries) != 3 || roster.More || roster.Day != "2015-06-15" || strings.Contains(body, "A01234567") ||
		strings.Contains(body, "1972-04-04") || strings.Contains(body, inCode) || !strings.Contains(body, store.CodeHash(inCode)) {
		t.Errorf("roster: %d entries, more %v, day %s\n%s", len(roster.Entries), roster.More, roster.Day, clip(body))
	}
	if rec := e.do(t, request{method: "GET", path: "/admin/checkin/roster?after=" + strconv.FormatInt(roster.Next, 10), session: desk}); !strings.Contains(rec.Body.String(), `"entries":[]`) {
		t.Errorf("nothing changed, yet the roster sends %s", clip(rec.Body.String()))
	}
	if rec := e.do(t, request{method: "GET", path: "/api/v1/checkin/roster?after=x", role: "desk"}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("a bad cursor: %d", rec.Code)
	}
	if rec := e.do(t, request{method: "GET", path: "/api/v1/checkin/roster", role: "viewer"}); rec.Code != http.StatusForbidden {
		t.Errorf("a viewer reads the roster: %d", rec.Code)
	}

	// a badge reissued while the desk was offline
	if _, err := e.db.ReissueBadge(ctx, store.System, lost); err != nil {
		t.Fatal(err)
	}
	batch := map[string]any{"desk": "Hall A", "scans": []map[string]any{
		{"id": "offline-0001", "code": inCode, "at": "2015-06-15T11:40:00Z", "offline": true},
		{"id": "offline-0002", "code": lostCode, "at": "2015-06-15T11:41:00Z", "offline": true},
	}}
	for range 2 {
		rec = e.do(t, request{method: "POST", path: "/admin/checkin/sync?lang=en", session: desk, json: batch})
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, `"outcome":"ok"`) || !strings.Contains(body, "This badge was replaced") {
			t.Fatalf("sync: %d %s", rec.Code, body)
		}
	}
	if !strings.Contains(rec.Body.String(), `"repeated":true`) {
		t.Errorf("the batch sent again is not answered as repeated: %s", rec.Body.String())
	}
	if rec := e.do(t, request{method: "POST", path: "/admin/checkin/sync", session: desk, json: map[string]any{"desk": "Hall A", "scans": []map[string]any{{"id": "x"}}}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("a scan without a proper id: %d", rec.Code)
	}

	// printing at the scan counts the badge printed
	if rec := e.do(t, request{method: "POST", path: "/admin/registrations/" + in + "/badge-printed", session: desk}); rec.Code != http.StatusNoContent {
		t.Errorf("badge printed: %d", rec.Code)
	}
	if rec := e.do(t, request{method: "GET", path: "/admin/registrations/" + in + "/badge.pdf", session: desk}); rec.Code != 200 {
		t.Errorf("badge: %d", rec.Code)
	}
	if got, _ := e.db.FindRegistration(ctx, in); got.BadgePrintedCount != 1 {
		t.Errorf("printed %d times, want 1 (a GET shows, it does not count)", got.BadgePrintedCount)
	}

	// the desk lead's view
	live := e.do(t, request{method: "GET", path: "/admin/checkin/live?lang=en", session: desk}).Body.String()
	for _, want := range []string{"Who is in", "checked in today", "Checked in today, by desk", "Hall A", "Speaker",
		"Scans made offline, refused or held", "This badge was replaced", "arrived=no"} {
		if !strings.Contains(live, want) {
			t.Errorf("live view lacks %q", want)
		}
	}
	var a store.Arrivals
	rec = e.do(t, request{method: "GET", path: "/api/v1/checkin/live", role: "desk"})
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.Today != 1 || a.ByDesk["Hall A"] != 1 || a.ByCategory["speaker"] != 1 ||
		a.Expected != 2 || a.RefusedAfterSync != 1 || a.Last15 != 0 {
		t.Errorf("live.json: %v %+v", err, a)
	}
	csv := e.do(t, request{method: "GET", path: "/admin/export/registrations.csv?status=approved&arrived=no&sort=name", session: desk}).Body.String()
	if !strings.Contains(csv, "Quispe") || !strings.Contains(csv, "Ilse") || strings.Count(csv, "\n") != 3 {
		t.Errorf("expected, not arrived:\n%s", csv)
	}
}
