package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"delegate/store"
)

// TestSecondFactor enrols a TOTP app, signs in with the password and a
// code (then a recovery code, once), and checks that the password alone
// opens nothing, that the setting makes a second factor obligatory, and
// that a reset lets a lost phone's owner in again.
func TestSecondFactor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	admin := e.login(t, "admin")
	page := e.do(t, request{method: "POST", path: "/admin/account/2fa/start?lang=en", session: admin}).Body.String()
	m := regexp.MustCompile(`<code>([A-Z2-7]{16,})</code>`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "<svg") {
		t.Fatalf("enrolment page lacks the key or the QR:\n%s", clip(page))
	}
	secret := m[1]
	if rec := e.do(t, request{method: "POST", path: "/admin/account/2fa?lang=en", session: admin, form: url.Values{"code": {"000000"}}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("a wrong code at enrolment: %d", rec.Code)
	}
	code, _ := totp.GenerateCode(secret, e.db.Now())
	done := e.do(t, request{method: "POST", path: "/admin/account/2fa?lang=en", session: admin, form: url.Values{"code": {code}}}).Body.String()
	recovery := regexp.MustCompile(`<code class="secret">([0-9A-F]{10})</code>`).FindAllStringSubmatch(done, -1)
	if len(recovery) != 10 {
		t.Fatalf("recovery codes shown: %d, want 10", len(recovery))
	}
	signIn := func(second string) (string, int) {
		rec := e.do(t, request{method: "POST", path: "/admin/login", form: url.Values{"email": {"admin@uil.example"}, "password": {organiserPassword}}})
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/admin/login/code") {
			t.Fatalf("password step: %d to %q", rec.Code, rec.Header().Get("Location"))
		}
		s := sessionCookie(t, rec)
		if r := e.do(t, request{method: "GET", path: "/admin", session: s}); r.Code != http.StatusSeeOther {
			t.Errorf("the password alone opened the admin: %d", r.Code)
		}
		rec = e.do(t, request{method: "POST", path: "/admin/login/code", session: s, form: url.Values{"code": {second}, "next": {"/admin"}}})
		if rec.Code == http.StatusSeeOther {
			s = sessionCookie(t, rec)
		}
		return s, rec.Code
	}
	if _, code := signIn("123456"); code != http.StatusUnauthorized {
		t.Errorf("a wrong code: %d, want 401", code)
	}
	now, _ := totp.GenerateCode(secret, e.db.Now())
	s, status := signIn(now)
	if status != http.StatusSeeOther || e.do(t, request{method: "GET", path: "/admin", session: s}).Code != http.StatusOK {
		t.Errorf("password and code: %d", status)
	}
	if _, code := signIn(recovery[0][1]); code != http.StatusSeeOther {
		t.Errorf("a recovery code: %d", code)
	}
	if _, code := signIn(recovery[0][1]); code != http.StatusUnauthorized {
		t.Errorf("a recovery code used twice: %d", code)
	}
	// obligatory for admin and finance: finance without one enrols first
	st := e.db.Settings()
	st.SecondFactorRequired = true
	e.db.UpdateSettings(ctx, store.System, st)
	finance := e.login(t, "finance")
	if rec := e.do(t, request{method: "GET", path: "/admin/registrations", session: finance}); rec.Code != http.StatusSeeOther ||
		rec.Header().Get("Location") != "/admin/account?required=1" {
		t.Errorf("finance without a second factor: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := e.do(t, request{method: "GET", path: "/admin/registrations", session: e.login(t, "viewer")}); rec.Code != http.StatusOK {
		t.Errorf("a viewer needs none: %d", rec.Code)
	}
	// a lost phone: reset, sessions end, the password signs in again
	if err := e.db.ResetSecondFactor(ctx, store.System, "admin@uil.example"); err != nil {
		t.Fatal(err)
	}
	if rec := e.do(t, request{method: "GET", path: "/admin", session: s}); rec.Code != http.StatusSeeOther {
		t.Errorf("a session after the reset: %d, want it ended", rec.Code)
	}
	rec := e.do(t, request{method: "POST", path: "/admin/login", form: url.Values{"email": {"admin@uil.example"}, "password": {organiserPassword}}})
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || strings.HasPrefix(loc, "/admin/login/code") {
		t.Errorf("after the reset: %d to %q, want in with the password", rec.Code, loc)
	}
	audit, _, _ := e.db.FindAudit(ctx, store.AuditFilter{Action: "user.2fa", PerPage: 50})
	if len(audit) < 4 {
		t.Errorf("%d second-factor lines in the audit log", len(audit))
	}
	logins, _, _ := e.db.FindAudit(ctx, store.AuditFilter{Action: "user.login", PerPage: 100})
	failed := 0
	for _, a := range logins {
		if a.Action == "user.login_failed" {
			failed++
		}
	}
	if len(logins) < 5 || failed != 0 {
		t.Errorf("sign-ins in the audit log: %d, %d failed (a wrong code is a 2fa line)", len(logins), failed)
	}
}
