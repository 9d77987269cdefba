package handlers_test

import (
	"context"
	"database/sql"
	"delegate/store"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLoginLogoutAndLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	first := e.login(t, "desk")
	loginAs := func(email, password string) *httptest.ResponseRecorder {
		return e.do(t, request{method: "POST", path: "/admin/login?lang=en", form: url.Values{"email": {email}, "password": {password}, "next": {"/admin/registrations"}}})
	}
	for _, tc := range []struct{ email, password string }{
		{"desk@uil.example", "wrong password here"},
		{"nobody@uil.example", organiserPassword},
	} {
		rec := loginAs(tc.email, tc.password)
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "do not match an active account") {
			t.Errorf("%s: got %d, want 401 with the same message for either mistake", tc.email, rec.Code)
		}
	}

	// signing in again from a browser that has a session renews its id
	rec := e.do(t, request{method: "POST", path: "/admin/login", session: first,
		form: url.Values{"email": {"desk@uil.example"}, "password": {organiserPassword}, "next": {"/admin/registrations"}}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/registrations" {
		t.Fatalf("login: got %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "delegate_admin" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/admin" {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure (https base URL), SameSite=Lax, Path=/admin", cookie)
	}
	if cookie.Value == first {
		t.Error("a second login kept the same session id")
	}
	if sessionStored(t, e, first) {
		t.Error("the session before the renewal still exists")
	}
	if rec := e.do(t, request{method: "GET", path: "/admin", session: cookie.Value}); rec.Code != http.StatusOK {
		t.Fatalf("dashboard with the new session: %d", rec.Code)
	}

	rec = e.do(t, request{method: "POST", path: "/admin/logout", session: cookie.Value})
	if rec.Code != http.StatusSeeOther {
		t.Errorf("logout: %d", rec.Code)
	}
	if sessionStored(t, e, cookie.Value) {
		t.Error("logout left the session on the server")
	}
	if rec := e.do(t, request{method: "GET", path: "/admin", session: cookie.Value}); rec.Code != http.StatusSeeOther {
		t.Errorf("old cookie after logout: got %d, want a redirect to login", rec.Code)
	}

	// a disabled organiser is out at once and cannot come back
	session := e.login(t, "viewer")
	users, _ := e.db.FindUsers(ctx)
	for _, u := range users {
		if u.Email == "viewer@uil.example" {
			if _, err := e.db.UpdateUser(ctx, store.System, u.ID, "viewer", true); err != nil {
				t.Fatal(err)
			}
		}
	}
	if rec := e.do(t, request{method: "GET", path: "/admin", session: session}); rec.Code != http.StatusSeeOther {
		t.Errorf("disabled organiser's session: got %d, want a redirect to login", rec.Code)
	}
	if rec := loginAs("viewer@uil.example", organiserPassword); rec.Code != http.StatusUnauthorized {
		t.Errorf("disabled organiser logging in: got %d, want 401", rec.Code)
	}

	// each failure slows the next answer down more, up to a second
	if d := e.delays(); len(d) < 3 || d[0] <= 0 || d[1] <= d[0] {
		t.Errorf("slowdowns after failed logins: %v, want growing delays", d)
	}
	// strangers cannot lock an organiser out: wrong guesses from elsewhere
	// slow the account down, but its owner still gets in
	for i := range 5 {
		e.do(t, request{method: "POST", path: "/admin/login",
			form: url.Values{"email": {"desk@uil.example"}, "password": {fmt.Sprintf("guess %d", i)}}})
	}
	if rec := loginAs("desk@uil.example", organiserPassword); rec.Code != http.StatusSeeOther {
		t.Errorf("the owner after five wrong guesses at the account: got %d, want in", rec.Code)
	}
	if failed, _, _ := e.db.FindAudit(ctx, store.AuditFilter{Action: "user.login_failed", PerPage: 50}); len(failed) < 5 {
		t.Errorf("%d failed sign-ins in the audit log, want every one", len(failed))
	}
	if d := e.delays(); d[len(d)-1] > time.Second {
		t.Errorf("a failed login waited %s, want at most a second", d[len(d)-1])
	}
	if rec := e.do(t, request{method: "GET", path: "/admin/login?next=//evil.example"}); rec.Code != http.StatusOK {
		t.Errorf("login page: %d", rec.Code)
	}
}

// TestSessionsAreSafeAtRest: what the sessions table holds opens no admin
// page, and a new password or role ends the organiser's sessions.
func TestSessionsAreSafeAtRest(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	desk := e.login(t, "desk")
	admin := e.login(t, "admin")
	raw, err := sql.Open("sqlite3", "file:"+e.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.QueryContext(ctx, "SELECT token FROM sessions")
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for rows.Next() {
		var tok string
		rows.Scan(&tok)
		stored = append(stored, tok)
	}
	rows.Close()
	if len(stored) < 2 {
		t.Fatalf("%d sessions stored", len(stored))
	}
	for _, tok := range stored {
		if tok == desk || tok == admin {
			t.Error("a session token is stored as it is")
		}
		if rec := e.do(t, request{method: "GET", path: "/admin", session: tok}); rec.Code != http.StatusSeeOther {
			t.Errorf("a value copied from the sessions table opened the admin: %d", rec.Code)
		}
	}
	users, _ := e.db.FindUsers(ctx)
	var deskID int64
	for _, u := range users {
		if u.Email == "desk@uil.example" {
			deskID = u.ID
		}
	}
	if err := e.db.SetPassword(ctx, store.System, deskID, "another long password"); err != nil {
		t.Fatal(err)
	}
	if rec := e.do(t, request{method: "GET", path: "/admin", session: desk}); rec.Code != http.StatusSeeOther {
		t.Errorf("the desk's session after a new password: %d, want it ended", rec.Code)
	}
	if rec := e.do(t, request{method: "GET", path: "/admin", session: admin}); rec.Code != http.StatusOK {
		t.Errorf("another organiser's session: %d, want it kept", rec.Code)
	}
	viewer := e.login(t, "viewer")
	users, _ = e.db.FindUsers(ctx)
	for _, u := range users {
		if u.Email == "viewer@uil.example" {
			e.db.UpdateUser(ctx, store.System, u.ID, "desk", false)
		}
	}
	if rec := e.do(t, request{method: "GET", path: "/admin", session: viewer}); rec.Code != http.StatusSeeOther {
		t.Errorf("a session after a change of role: %d, want it ended", rec.Code)
	}
}

// TestParallelGuessesAreCounted sends thirty wrong passwords at once from
// one client: they are counted before they are checked, so the client is
// locked and the right password, tried after them, is refused too. Other
// clients still get in.
func TestParallelGuessesAreCounted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	e.login(t, "admin") // the account exists
	post := func(password, addr string) int {
		req := httptest.NewRequest("POST", "/admin/login", strings.NewReader(url.Values{"email": {"admin@uil.example"},
			"password": {password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		return rec.Code
	}
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() { post(fmt.Sprintf("guess %d", i), "203.0.113.9:4000") })
	}
	wg.Wait()
	if code := post(organiserPassword, "203.0.113.9:4001"); code != http.StatusTooManyRequests {
		t.Errorf("the right password after 30 parallel guesses: %d, want 429", code)
	}
	// another address of the same IPv6 /64 is the same client
	for i := range 25 {
		post(fmt.Sprintf("v6 guess %d", i), fmt.Sprintf("[2001:db8:1:2::%x]:4000", i+1))
	}
	if code := post(organiserPassword, "[2001:db8:1:2::ffff]:4000"); code != http.StatusTooManyRequests {
		t.Errorf("from the same /64 after 25 guesses from its addresses: %d, want 429", code)
	}
	if code := post(organiserPassword, "198.51.100.7:4000"); code != http.StatusSeeOther {
		t.Errorf("the owner from another network: %d, want in", code)
	}
}

func TestFirstAdminThroughTheSetupLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	secret, err := e.db.CreateSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	form := func(pw, confirm string) url.Values {
		return url.Values{"token": {secret}, "email": {"first@uil.example"}, "password": {pw}, "confirm": {confirm}}
	}
	e.run(t, []scenario{
		{name: "forged link", req: request{method: "GET", path: "/admin/setup?token=nope"}, wantStatus: 404},
		{name: "the link", req: request{method: "GET", path: "/admin/setup?token=" + secret + "&lang=en"}, wantStatus: 200,
			want: []string{"Create the first administrator"}},
		{name: "passwords differ", req: request{method: "POST", path: "/admin/setup?lang=en", form: form("correct horse battery", "correct horse batterz")},
			wantStatus: 422, want: []string{"The two passwords differ", `value="first@uil.example"`}},
		{name: "too short", req: request{method: "POST", path: "/admin/setup?lang=en", form: form("short", "short")},
			wantStatus: 422, want: []string{"at least 12 characters"}},
		{name: "created", req: request{method: "POST", path: "/admin/setup", form: form("correct horse battery", "correct horse battery")},
			wantStatus: 303, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Header().Get("Location") != "/admin" {
					t.Errorf("to %q", rec.Header().Get("Location"))
				}
				if rec := e.do(t, request{method: "GET", path: "/admin/users", session: sessionCookie(t, rec)}); rec.Code != 200 {
					t.Errorf("the new admin is not signed in: %d", rec.Code)
				}
			}},
		{name: "used once", req: request{method: "GET", path: "/admin/setup?token=" + secret}, wantStatus: 404},
	})
}

// sessionStored reports whether the session token is still in the database.
func sessionStored(t *testing.T, e *env, token string) bool {
	t.Helper()
	_, ok, err := e.db.FindSession(context.Background(), hex.EncodeToString(store.HashToken(token)), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestPageViewsDoNotWriteTheSession: opening pages moves a session's idle
// expiry at most once a minute, so a page view is not a durable write;
// a change to the session is still written at once.
func TestPageViewsDoNotWriteTheSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	s := e.login(t, "admin")
	key := hex.EncodeToString(store.HashToken(s))
	_, first, err := e.db.SessionExpiry(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // scs would move the expiry by this much
	for range 5 {
		if rec := e.do(t, request{method: "GET", path: "/admin/registrations", session: s}); rec.Code != http.StatusOK {
			t.Fatalf("page: %d", rec.Code)
		}
	}
	if _, after, _ := e.db.SessionExpiry(ctx, key); !after.Equal(first) {
		t.Errorf("the session was written by page views: expiry %v, then %v", first, after)
	}
	// a flash is a change: it is kept, and shown on the next page
	e.do(t, request{method: "POST", path: "/admin/registrations/bulk", session: s, form: url.Values{"action": {"approve"}}})
	data, _, _ := e.db.SessionExpiry(ctx, key)
	if rec := e.do(t, request{method: "GET", path: "/admin/registrations?lang=en", session: s}); !strings.Contains(rec.Body.String(), "Nothing was selected") {
		t.Errorf("the flash did not reach the next page (session data %d bytes)", len(data))
	}
}
