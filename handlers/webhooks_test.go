package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"delegate/store"
)

// TestWebhooksPage: an admin adds an endpoint (a bad address is refused
// in words, what was typed kept), sees its secret once, and turns it off.
func TestWebhooksPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	admin := e.login(t, "admin")
	rec := e.do(t, request{method: "POST", path: "/admin/webhooks?lang=en", session: admin,
		form: url.Values{"url": {"mailto:it@example.org"}, "events": {store.HookPaid}}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Give an http:// or https:// address") ||
		!strings.Contains(rec.Body.String(), `value="mailto:it@example.org"`) {
		t.Fatalf("a bad address: %d", rec.Code)
	}
	rec = e.do(t, request{method: "POST", path: "/admin/webhooks?lang=en", session: admin,
		form: url.Values{"url": {"https://crm.example.org/hooks/iclc"}, "events": {store.HookPaid, store.HookCheckedIn}}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "whsec_") || !strings.Contains(rec.Body.String(), "https://crm.example.org/hooks/iclc") {
		t.Fatalf("add: %d", rec.Code)
	}
	if again := e.do(t, request{method: "GET", path: "/admin/webhooks", session: admin}).Body.String(); strings.Contains(again, "whsec_") {
		t.Error("the secret is shown again")
	}
	hooks, _ := e.db.Webhooks(context.Background())
	if len(hooks) != 1 || !hooks[0].Active {
		t.Fatalf("hooks: %+v", hooks)
	}
	e.do(t, request{method: "POST", path: "/admin/webhooks/1/active", session: admin, form: url.Values{"active": {"0"}}})
	if hooks, _ := e.db.Webhooks(context.Background()); hooks[0].Active {
		t.Error("the endpoint is still on")
	}
	if rec := e.do(t, request{method: "GET", path: "/admin/webhooks", session: e.login(t, "finance")}); rec.Code != http.StatusForbidden {
		t.Errorf("finance on the webhooks page: %d", rec.Code)
	}
}
