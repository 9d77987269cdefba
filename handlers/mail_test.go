package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"delegate/store"
)

func TestMailViewerAndResend(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	reg := e.register(t, with(valid("viewer@example.org"), "language", "es"))
	token := strings.TrimPrefix(reg["manage_url"].(string), "https://iclc.example.org/r/")
	msgs, _ := e.db.FindOutbox(ctx, store.OutboxFilter{})
	id := fmt.Sprint(msgs[0].ID)
	viewer, admin := e.login(t, "viewer"), e.login(t, "admin")
	e.run(t, []scenario{
		{name: "list", req: request{method: "GET", path: "/admin/mail?lang=en", session: viewer}, wantStatus: 200,
			want: []string{"hemos recibido su inscripción", "Waiting (1)", "viewer@example.org"}},
		{name: "message", req: request{method: "GET", path: "/admin/mail/" + id + "?lang=en", session: viewer}, wantStatus: 200,
			want:    []string{`<iframe src="/admin/mail/` + id + `/html" sandbox`, "Excelencia:", "https://iclc.example.org/r/•••••"},
			notWant: []string{token, store.TokenPlaceholder}},
		{name: "html part", req: request{method: "GET", path: "/admin/mail/" + id + "/html", session: viewer}, wantStatus: 200,
			want: []string{`<html lang="es">`, "Abrir mi inscripción"}, notWant: []string{token},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				csp := rec.Header().Get("Content-Security-Policy")
				if !strings.Contains(csp, "frame-ancestors 'self'") || !strings.Contains(csp, "sandbox") || strings.Contains(csp, "script") {
					t.Errorf("CSP of the mail frame: %q", csp)
				}
			}},
		{name: "not failed", req: request{method: "POST", path: "/admin/mail/" + id + "/resend", session: admin}, wantStatus: 409},
	})
	if err := e.db.RecordDeliveries(ctx, []store.Delivery{{ID: msgs[0].ID, Status: store.OutboxFailed, Error: "550 5.1.1 mailbox unknown"}}); err != nil {
		t.Fatal(err)
	}
	e.run(t, []scenario{
		{name: "failed list", req: request{method: "GET", path: "/admin/mail?status=failed&lang=en", session: viewer}, wantStatus: 200,
			want: []string{"550 5.1.1 mailbox unknown", "Failed (1)"}},
		{name: "viewer cannot resend", req: request{method: "POST", path: "/admin/mail/" + id + "/resend", session: viewer}, wantStatus: 403},
		{name: "resend", req: request{method: "POST", path: "/admin/mail/" + id + "/resend", session: admin}, wantStatus: 303},
		{name: "queued again", req: request{method: "GET", path: "/admin/mail?lang=en", session: viewer}, wantStatus: 200,
			want: []string{"Waiting (1)", "Failed (0)"}},
	})
	e.db.RecordDeliveries(ctx, []store.Delivery{{ID: msgs[0].ID, Status: store.OutboxFailed, Error: "550"}})
	rec := e.do(t, request{method: "POST", path: "/admin/mail/resend-failed", session: admin})
	if counts, _ := e.db.OutboxCounts(ctx, 0); rec.Code != 303 || counts[store.OutboxFailed] != 0 {
		t.Errorf("resend all: %d, %v", rec.Code, counts)
	}
}

func TestWriteToDelegates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	for i, lang := range []string{"en", "es", "fr"} {
		e.register(t, with(valid(fmt.Sprintf("mayor%d@example.org", i)), "language", lang, "hotel", "", "study_visit", ""))
	}
	e.register(t, with(valid("speaker@example.org"), "category", "speaker", "hotel", "", "study_visit", ""))
	admin := e.login(t, "admin")
	before, _ := e.db.OutboxCounts(ctx, 0)
	form := url.Values{"category": {"mayor"},
		"subject.en": {"Mayors' lunch"}, "body.en": {"Dear colleagues,\n\nthe mayors' lunch is on 29 September."},
		"subject.es": {"Almuerzo de alcaldes"}, "body.es": {"Estimados colegas:\n\nel almuerzo es el 29 de septiembre."},
		"subject.fr": {"Déjeuner des maires"}, "body.fr": {""}}
	rec := e.do(t, request{method: "POST", path: "/admin/messages?lang=en", session: admin, form: form})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "This field is required") ||
		!strings.Contains(rec.Body.String(), "Almuerzo de alcaldes") {
		t.Fatalf("missing French body: got %d", rec.Code)
	}
	form.Set("body.fr", "Chers collègues,\n\nle déjeuner des maires a lieu le 29 septembre.")
	form.Set("preview", "1")
	rec = e.do(t, request{method: "POST", path: "/admin/messages?lang=en", session: admin, form: form})
	body := rec.Body.String()
	for _, want := range []string{"3 delegates will receive this message", "Send to 3 delegates", "Mayors&#39; lunch",
		"Almuerzo de alcaldes", "Déjeuner des maires", "Excellence,"} {
		if !strings.Contains(body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if counts, _ := e.db.OutboxCounts(ctx, 0); counts[store.OutboxQueued] != before[store.OutboxQueued] {
		t.Errorf("a preview queued messages: %v", counts)
	}
	form.Del("preview")
	form.Set("send", "1")
	rec = e.do(t, request{method: "POST", path: "/admin/messages", session: admin, form: form})
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/admin/messages/") {
		t.Fatalf("send: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	sent, _ := e.db.FindOutbox(ctx, store.OutboxFilter{})
	bySubject := map[string]string{}
	for _, m := range sent {
		if m.Kind == store.MailMessage {
			bySubject[m.Language] = m.Subject
		}
	}
	if len(bySubject) != 3 || bySubject["fr"] != "Déjeuner des maires" || bySubject["es"] != "Almuerzo de alcaldes" {
		t.Errorf("queued messages by language: %v", bySubject)
	}
	page := e.do(t, request{method: "GET", path: rec.Header().Get("Location") + "?lang=en", session: admin}).Body.String()
	for _, want := range []string{"Mayors&#39; lunch", "<dt>Recipients</dt><dd>3</dd>", `data-refresh="3"`, "3 messages are in the outbox"} {
		if !strings.Contains(page, want) {
			t.Errorf("progress page lacks %q", want)
		}
	}
	nobody := url.Values{"country": {"JP"}, "send": {"1"}}
	for _, l := range store.Languages {
		nobody.Set("subject."+l, "s")
		nobody.Set("body."+l, "b")
	}
	rec = e.do(t, request{method: "POST", path: "/admin/messages?lang=en", session: admin, form: nobody})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "No registration matches") {
		t.Errorf("no recipients: %d", rec.Code)
	}
}

// TestLostLinkByEmailOnly: the link goes to the registered address only,
// the page says the same for an address not registered, a second
// registration attempt keeps its 409 and offers the link, and one address
// gets it once in ten minutes however often it is asked for.
func TestLostLinkByEmailOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	e.register(t, with(valid("lost@example.org"), "invitation_letter", false))
	e.run(t, []scenario{
		{name: "a second registration keeps its 409", req: request{method: "POST", path: "/api/v1/registrations",
			json: with(valid("LOST@example.org"), "invitation_letter", false)}, wantStatus: 409},
		{name: "the form offers the link", req: request{method: "POST", path: "/register?lang=en",
			form: asForm(with(valid("lost@example.org"), "invitation_letter", false))}, wantStatus: 422,
			want: []string{`href="/link?email=lost%40example.org"`}},
		{name: "home links the form", req: request{method: "GET", path: "/?lang=en"}, wantStatus: 200, want: []string{`href="/link"`}},
	})
	known := e.do(t, request{method: "POST", path: "/link?lang=en", form: url.Values{"email": {"Lost@Example.org"}}})
	unknown := e.do(t, request{method: "POST", path: "/link?lang=en", form: url.Values{"email": {"nobody@example.org"}}})
	strip := func(s string) string { return strings.ReplaceAll(s, "Lost@Example.org", "") }
	if known.Code != 200 || unknown.Code != 200 || strip(known.Body.String()) != strings.ReplaceAll(unknown.Body.String(), "nobody@example.org", "") {
		t.Error("the page tells a known address from an unknown one")
	}
	e.do(t, request{method: "POST", path: "/link", form: url.Values{"email": {"lost@example.org"}}})
	msgs, _ := e.db.FindOutbox(ctx, store.OutboxFilter{Status: store.OutboxQueued})
	links := 0
	for _, m := range msgs {
		if m.Kind == store.MailLink {
			links++
			if m.To != "lost@example.org" || !strings.Contains(m.Text, "Quelqu'un, peut-être vous") || !strings.Contains(m.Text, store.TokenPlaceholder) {
				t.Errorf("link message to %s:\n%s", m.To, m.Text)
			}
		}
	}
	if links != 1 {
		t.Errorf("%d link messages for two requests in ten minutes, want 1", links)
	}
}
