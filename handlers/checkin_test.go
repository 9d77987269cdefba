package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"delegate/store"
)

func TestCheckinAPIAndDesk(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	_, okRef := e.privateLink(t, with(valid("ok@example.org"), "category", "speaker", "hotel", "", "study_visit", ""))
	_, feeRef := e.privateLink(t, with(valid("fee@example.org"), "category", "city_official", "hotel", "", "study_visit", ""))
	_, pendingRef := e.privateLink(t, with(valid("pending@example.org"), "hotel", "", "study_visit", ""))
	e.db.ApproveRegistration(ctx, store.System, feeRef)
	code := func(ref string) string {
		r, _ := e.db.FindRegistration(ctx, ref)
		return e.db.CheckinCode(r)
	}
	okCode, feeCode := code(okRef), code(feeRef)
	// the same code with its signature's last character changed
	forged := okCode[:len(okCode)-1] + map[bool]string{true: "R", false: "Q"}[strings.HasSuffix(okCode, "Q")]
	e.run(t, []scenario{
		{name: "check in", req: request{method: "POST", path: "/api/v1/checkins", role: "desk", json: map[string]any{"code": okCode}},
			wantStatus: 200, want: []string{`"already":false`, `"reference":"` + okRef, `"checked_in_at":"2015-06-15T12:00:00Z"`}},
		{name: "again the same day", req: request{method: "POST", path: "/api/v1/checkins", role: "desk", json: map[string]any{"code": okCode}},
			wantStatus: 200, want: []string{`"already":true`}},
		{name: "forged", req: request{method: "POST", path: "/api/v1/checkins", role: "desk", json: map[string]any{"code": forged}},
			wantStatus: 404},
		{name: "fee due", req: request{method: "POST", path: "/api/v1/checkins?lang=en", role: "desk", json: map[string]any{"code": feeCode}},
			wantStatus: 409, want: []string{`"code":"payment_due"`, "The fee is not paid yet."}},
		{name: "not approved", req: request{method: "POST", path: "/api/v1/checkins", role: "desk", json: map[string]any{"code": code(pendingRef)}},
			wantStatus: 409, want: []string{`"code":"not_approved"`}},
		{name: "desk cannot force", req: request{method: "POST", path: "/api/v1/checkins", role: "desk", json: map[string]any{"code": feeCode, "force": true}},
			wantStatus: 403},
		{name: "admin forces", req: request{method: "POST", path: "/api/v1/checkins", role: "admin", json: map[string]any{"code": feeCode, "force": true}},
			wantStatus: 200, want: []string{`"already":false`}},
		{name: "viewer cannot check in", req: request{method: "POST", path: "/api/v1/checkins", role: "viewer", json: map[string]any{"code": okCode}},
			wantStatus: 403},
	})
	if _, err := e.db.ReissueBadge(ctx, store.System, okRef); err != nil {
		t.Fatal(err)
	}
	rec := e.do(t, request{method: "POST", path: "/api/v1/checkins", role: "desk", json: map[string]any{"code": okCode}})
	if rec.Code != 409 || !strings.Contains(rec.Body.String(), `"code":"revoked_badge"`) {
		t.Errorf("old badge after a reissue: %d %s", rec.Code, rec.Body.String())
	}

	desk, admin := e.login(t, "desk"), e.login(t, "admin")
	e.run(t, []scenario{
		{name: "desk page", req: request{method: "GET", path: "/admin/checkin?lang=en", session: desk}, wantStatus: 200,
			want: []string{"Scan a badge", `autofocus`}},
		{name: "scan the new badge", req: request{method: "POST", path: "/admin/checkin?lang=en", session: desk, form: url.Values{"code": {code(okRef)}}},
			wantStatus: 200, want: []string{"outcome-again", "Already checked in today", "Aminata Diop"}},
		{name: "scan the old badge", req: request{method: "POST", path: "/admin/checkin?lang=en", session: desk, form: url.Values{"code": {okCode}}},
			wantStatus: 409, want: []string{"outcome-stop", "no longer works"}, notWant: []string{"Check in anyway</button>"}},
		{name: "unknown code", req: request{method: "POST", path: "/admin/checkin?lang=en", session: desk, form: url.Values{"code": {"HELLO"}}},
			wantStatus: 404, want: []string{"Unknown code"}},
		{name: "search by name", req: request{method: "GET", path: "/admin/checkin?lang=en&q=diop", session: desk}, wantStatus: 200,
			want: []string{okRef, feeRef, pendingRef, "checked in at"}},
		{name: "pending, at the desk", req: request{method: "POST", path: "/admin/checkin?lang=en", session: desk, form: url.Values{"reference": {pendingRef}}},
			wantStatus: 409, want: []string{"outcome-warn", "not approved"}, notWant: []string{"Check in anyway</button>"}},
		{name: "pending, an admin may force", req: request{method: "POST", path: "/admin/checkin?lang=en", session: admin, form: url.Values{"reference": {pendingRef}}},
			wantStatus: 409, want: []string{"Check in anyway</button>"}, check: func(t *testing.T, _ *httptest.ResponseRecorder) {
				rec := e.do(t, request{method: "POST", path: "/admin/checkin?lang=en", session: admin, form: url.Values{"code": {code(pendingRef)}, "force": {"1"}}})
				if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Checked in. Welcome!") {
					t.Errorf("forced at the desk: %d", rec.Code)
				}
			}},
		{name: "a desk force is ignored", req: request{method: "POST", path: "/admin/checkin?lang=en", session: desk, form: url.Values{"code": {feeCode}, "force": {"1"}}},
			wantStatus: http.StatusConflict, want: []string{"outcome-warn", "The fee is not paid yet"}, notWant: []string{"Check in anyway</button>"}},
	})
	// journey 6: amber for the unpaid fee, paid at the desk, checked in
	_, due := e.privateLink(t, with(valid("due@example.org"), "category", "academia", "hotel", "", "study_visit", ""))
	e.db.ApproveRegistration(ctx, store.System, due)
	finance := e.login(t, "finance")
	rec = e.do(t, request{method: "POST", path: "/admin/checkin?lang=en", session: finance, form: url.Values{"code": {code(due)}}})
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Fee paid here: record it and check in") {
		t.Fatalf("unpaid at the desk: %d", rec.Code)
	}
	if body := e.do(t, request{method: "POST", path: "/admin/checkin?lang=en", session: desk, form: url.Values{"code": {code(due)}}}).Body.String(); strings.Contains(body, "Fee paid here") {
		t.Error("desk staff without finance rights are offered to take the fee")
	}
	// chosen by name from the search: the refusal names the delegate and
	// the fee form posts the reference again
	rec = e.do(t, request{method: "POST", path: "/admin/checkin?lang=en", session: finance, form: url.Values{"reference": {due}}})
	if body := rec.Body.String(); rec.Code != http.StatusConflict || !strings.Contains(body, "<code>"+due+"</code>") ||
		!strings.Contains(body, `<input type="hidden" name="reference" value="`+due+`"><input type="hidden" name="paid" value="1">`) {
		t.Fatalf("unpaid, chosen from the search: %d\n%s", rec.Code, clip(body))
	}
	rec = e.do(t, request{method: "POST", path: "/admin/checkin?lang=en", session: finance, form: url.Values{"reference": {due}, "paid": {"1"}}})
	if r, _ := e.db.FindRegistration(ctx, due); rec.Code != 200 || r.PaymentStatus != store.PaymentPaid || r.CheckedInAt == nil {
		t.Errorf("paid and checked in at the desk: %d %s", rec.Code, r.PaymentStatus)
	}
	dash := e.do(t, request{method: "GET", path: "/admin?lang=en", session: desk}).Body.String()
	if !strings.Contains(dash, "Check-ins per day") || !strings.Contains(dash, `<a href="/admin/checkin/live">4</a></p><p>checked in`) ||
		!strings.Contains(dash, `data-live="30"`) {
		t.Errorf("dashboard does not count the arrivals")
	}
}
