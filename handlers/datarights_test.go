package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"delegate/store"
)

// TestPrivacyNoticeVersionsAndConsent: a registration records the
// notice's version, when and from where; publishing a new version to be
// asked again asks at the delegate's next visit.
func TestPrivacyNoticeVersionsAndConsent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	page, ref := e.privateLink(t, with(valid("consent@example.org"), "language", "en"))
	r, _ := e.db.FindRegistration(ctx, ref)
	if c, _ := e.db.Consents(ctx, r.ID); len(c) != 1 || c[0].Version != 1 || c[0].Address == "" || c[0].How != "delegate" {
		t.Fatalf("consent at registration: %+v", c)
	}
	if body := e.do(t, request{method: "GET", path: "/privacy?lang=en"}).Body.String(); !strings.Contains(body, "Version 1, published on") ||
		!strings.Contains(body, "Who holds your data") {
		t.Errorf("the built-in notice lacks its version")
	}
	admin := e.login(t, "admin")
	form := url.Values{"body.en": {"Version two.\n\nWe now keep photos."}, "body.es": {""}, "body.fr": {"Version deux."}, "ask_again": {"1"}}
	rec := e.do(t, request{method: "POST", path: "/admin/privacy?lang=en", session: admin, form: form})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "We now keep photos.") ||
		!strings.Contains(rec.Body.String(), `id="body.es-error"`) {
		t.Fatalf("a version without Spanish: %d", rec.Code)
	}
	form.Set("body.es", "Versión dos.")
	if rec := e.do(t, request{method: "POST", path: "/admin/privacy", session: admin, form: form}); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", rec.Code, clip(rec.Body.String()))
	}
	body := e.do(t, request{method: "GET", path: "/privacy?lang=en"}).Body.String()
	if !strings.Contains(body, "<p>We now keep photos.</p>") || !strings.Contains(body, "Version 2, published on") || !strings.Contains(body, `href="/privacy?version=1"`) {
		t.Errorf("the new version is not shown")
	}
	if body := e.do(t, request{method: "GET", path: page}).Body.String(); !strings.Contains(body, "The privacy notice has changed") {
		t.Fatal("the delegate is not asked to accept the new version")
	}
	if rec := e.do(t, request{method: "POST", path: page + "/consent"}); rec.Code != http.StatusSeeOther {
		t.Fatalf("accept: %d", rec.Code)
	}
	if body := e.do(t, request{method: "GET", path: page}).Body.String(); strings.Contains(body, "The privacy notice has changed") {
		t.Error("asked again after accepting")
	}
	if c, _ := e.db.Consents(ctx, r.ID); len(c) != 2 || c[1].Version != 2 {
		t.Errorf("consents: %+v", c)
	}
	// a new registration consents to the version it read
	_, later := e.privateLink(t, valid("later@example.org"))
	lr, _ := e.db.FindRegistration(ctx, later)
	if c, _ := e.db.Consents(ctx, lr.ID); len(c) != 1 || c[0].Version != 2 {
		t.Errorf("a registration after version 2: %+v", c)
	}
}

// TestDataCopyAndWhoLooked: the download holds every value typed, the
// passport data, what organisers looked at, and nothing of another
// delegate.
func TestDataCopyAndWhoLooked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	fields := with(valid("copy@example.org"), "language", "en", "phone", "+221 33 889 1020", "dietary_notes", "no groundnuts",
		"accessibility", "a seat near the door", "departure_flight", "AT 506")
	page, ref := e.privateLink(t, fields)
	e.privateLink(t, with(valid("someone.else@example.org"), "given_names", "Ousmane", "family_name", "Sembène", "passport_number", "B7654321"))
	admin := e.login(t, "admin")
	e.do(t, request{method: "GET", path: "/admin/registrations/" + ref, session: admin})
	e.do(t, request{method: "GET", path: "/admin/export/registrations.csv", session: admin})

	rec := e.do(t, request{method: "GET", path: page + "/my-data.json"})
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Disposition"), "my-data-"+ref+".json") {
		t.Fatalf("download: %d %q", rec.Code, rec.Header().Get("Content-Disposition"))
	}
	var copy store.DataCopy
	if err := json.Unmarshal(rec.Body.Bytes(), &copy); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	for k, v := range fields {
		if s, ok := v.(string); ok && s != "" && !strings.Contains(body, s) && k != "category" && k != "gnlc" && k != "hotel" && k != "study_visit" {
			t.Errorf("the copy lacks %s %q", k, s)
		}
	}
	if copy.Passport == nil || copy.Passport.Number != "A01234567" || copy.Passport.DateOfBirth != "1972-04-04" {
		t.Errorf("passport data in the copy: %+v", copy.Passport)
	}
	if strings.Contains(body, "Sembène") || strings.Contains(body, "B7654321") || strings.Contains(body, "someone.else") {
		t.Error("the copy holds another delegate's data")
	}
	if len(copy.Messages) == 0 || len(copy.Consents) != 1 || len(copy.History) == 0 {
		t.Errorf("messages %d, consents %d, history %d", len(copy.Messages), len(copy.Consents), len(copy.History))
	}
	looked := map[string]bool{}
	for _, a := range copy.Access {
		looked[a.Action] = true
	}
	if !looked[store.AccessRegistration] || !looked[store.AccessExport] {
		t.Errorf("who looked: %+v", copy.Access)
	}
	readable := e.do(t, request{method: "GET", path: page + "/my-data"}).Body.String()
	for _, want := range []string{"Everything we hold about you", "Diop", "A01234567", "no groundnuts", "opened your registration", "exported the list"} {
		if !strings.Contains(readable, want) {
			t.Errorf("the readable copy lacks %q", want)
		}
	}
	// the history of changes stays about changes
	if detail := e.do(t, request{method: "GET", path: "/admin/registrations/" + ref + "?lang=en", session: admin}).Body.String(); strings.Contains(detail, "access.registration") {
		t.Error("the history of changes lists the organisers' looks")
	}
}

// TestErasureOnTheWeb: a pending delegate is forgotten at once; an
// approved one waits for an organiser, who confirms.
func TestErasureOnTheWeb(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	page, _ := e.privateLink(t, with(valid("forget@example.org"), "language", "en"))
	if body := e.do(t, request{method: "GET", path: page + "/erase"}).Body.String(); !strings.Contains(body, "This cannot be undone") {
		t.Error("the erasure is not explained before it is asked")
	}
	rec := e.do(t, request{method: "POST", path: page + "/erase"})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Your data is erased") {
		t.Fatalf("erase a pending registration: %d", rec.Code)
	}
	if rec := e.do(t, request{method: "GET", path: page}); rec.Code != http.StatusNotFound {
		t.Errorf("the private link after erasure: %d", rec.Code)
	}

	page, ref := e.privateLink(t, with(valid("approved@example.org"), "category", "speaker", "language", "en"))
	rec = e.do(t, request{method: "POST", path: page + "/erase"})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("ask: %d", rec.Code)
	}
	if body := e.do(t, request{method: "GET", path: page + "?erasure=asked"}).Body.String(); !strings.Contains(body, "Your request is recorded") ||
		!strings.Contains(body, "for your data to be erased") {
		t.Error("the private page does not say the request waits")
	}
	admin := e.login(t, "admin")
	if list := e.do(t, request{method: "GET", path: "/admin/erasures?lang=en", session: admin}).Body.String(); !strings.Contains(list, ref) {
		t.Fatal("the request is not on the erasures page")
	}
	rec = e.do(t, request{method: "POST", path: "/admin/registrations/" + ref + "/erase?lang=en", session: admin})
	if !strings.Contains(rec.Body.String(), "This cannot be undone") {
		t.Fatalf("no confirmation before erasing: %d", rec.Code)
	}
	rec = e.do(t, request{method: "POST", path: "/admin/registrations/" + ref + "/erase", session: admin, form: url.Values{"confirm": {"1"}}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("confirm: %d", rec.Code)
	}
	if r, _ := e.db.FindRegistration(ctx, ref); r.Erased == nil || r.Email != "" || r.Status != store.StatusCancelled {
		t.Errorf("after the organiser confirmed: %+v", r)
	}
	if detail := e.do(t, request{method: "GET", path: "/admin/registrations/" + ref + "?lang=en", session: admin}).Body.String(); !strings.Contains(detail, "Personal data erased on") {
		t.Error("the registration page does not say it was erased")
	}
}
