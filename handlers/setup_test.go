package handlers_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"delegate/clock"
	"delegate/handlers"
	"delegate/mailer"
	"delegate/pdf"
	"delegate/store"
)

// env is a service on a real SQLite file, served in-process.
type env struct {
	db     *store.DB
	path   string        // the database file
	clock  *clock.Manual // the store's clock, at 15 June 2015 noon UTC
	h      *handlers.Server
	tokens map[string]string // role → bearer token

	mu    sync.Mutex
	slept []time.Duration // the slowdowns after failed logins, not waited

	// codes are access codes without a limit, for the restricted
	// categories, by category
	codes map[string]string
}

// delays are the slowdowns failed logins have asked for so far.
func (e *env) delays() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.slept)
}

func newEnv(t testing.TB, rateLimit int) *env {
	t.Helper()
	return newEnvWith(t, func(d *handlers.Deps) { d.RateLimit = rateLimit })
}

// newEnvWith is newEnv with the dependencies changed by set.
func newEnvWith(t testing.TB, set func(*handlers.Deps)) *env {
	t.Helper()
	ctx := context.Background()
	composer, err := mailer.NewComposer("https://iclc.example.org")
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.At(time.Date(2015, 6, 15, 12, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := store.Open(ctx, path, store.Options{Secret: bytes.Repeat([]byte{1}, 32),
		Composer: composer, Now: clk.Now, PasswordCost: bcrypt.MinCost, Printable: pdf.Printable})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{db: db, path: path, clock: clk, tokens: map[string]string{}}
	deps := handlers.Deps{DB: db, BaseURL: "https://iclc.example.org", Sleep: func(_ context.Context, d time.Duration) {
		e.mu.Lock()
		e.slept = append(e.slept, d)
		e.mu.Unlock()
	}}
	set(&deps)
	e.h, err = handlers.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	// letters need a signatory, which organisers set before any goes out
	s := db.Settings()
	s.Signatory.Name = testSignatory
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	e.codes = map[string]string{}
	for _, cat := range s.Categories {
		if cat.Restricted {
			a, err := db.CreateAccessCode(ctx, store.System, store.NewAccessCode{Category: cat.Code})
			if err != nil {
				t.Fatal(err)
			}
			e.codes[cat.Code] = a.Code
		}
	}
	for _, role := range store.Roles {
		secret, _, err := db.CreateToken(ctx, store.System, role+" token", role)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = secret
	}
	return e
}

// testSignatory signs the test conference's letters.
const testSignatory = "Test Signatory"

// request is one HTTP request to the service.
type request struct {
	method, path string
	json         any        // sent as JSON when set
	form         url.Values // sent as a form when set
	role         string     // bearer token of this role
	session      string     // admin session cookie
	header       map[string]string
	raw          []byte // sent as it is (with a Content-Type in header)
	// desk names the check-in desk the request comes from: the desk
	// pages are used from a named desk, "Test desk" unless a test names
	// another; noDesk sends none.
	desk   string
	noDesk bool
}

func (e *env) do(t *testing.T, r request) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	var ctype string
	switch {
	case r.json != nil:
		b, err := json.Marshal(r.json)
		if err != nil {
			t.Fatal(err)
		}
		body, ctype = bytes.NewReader(b), "application/json"
	case r.form != nil:
		body, ctype = strings.NewReader(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.raw != nil:
		body = bytes.NewReader(r.raw)
	}
	req := httptest.NewRequest(r.method, r.path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if r.role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[r.role])
	}
	if r.session != "" {
		req.AddCookie(&http.Cookie{Name: "delegate_admin", Value: r.session})
	}
	if strings.HasPrefix(r.path, "/admin/checkin") && !r.noDesk {
		req.AddCookie(&http.Cookie{Name: "delegate_desk", Value: cmp.Or(r.desk, "Test desk")})
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// scenario is one row of a handler test table.
type scenario struct {
	name       string
	req        request
	wantStatus int
	want       []string // in the body
	notWant    []string
	check      func(t *testing.T, rec *httptest.ResponseRecorder)
}

func (e *env) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			rec := e.do(t, sc.req)
			body := rec.Body.String()
			if rec.Code != sc.wantStatus {
				t.Fatalf("%s %s: got status %d, want %d\n%s", sc.req.method, sc.req.path, rec.Code, sc.wantStatus, clip(body))
			}
			for _, w := range sc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q\n%s", w, clip(body))
				}
			}
			for _, w := range sc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
			if sc.check != nil {
				sc.check(t, rec)
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 1500 {
		return s[:1500] + "…"
	}
	return s
}

// valid is a complete, valid registration as JSON fields.
func valid(email string) map[string]any {
	return map[string]any{
		"title": "H.E.", "given_names": "Aminata", "family_name": "Diop", "email": email,
		"organisation": "Ville de Dakar", "job_title": "Adjointe au maire", "country": "SN",
		"category": "mayor", "gnlc": "interested", "language": "fr", "invitation_letter": true,
		"nationality": "SN", "passport_family_name": "DIOP", "passport_given_names": "AMINATA",
		"passport_number": "A01234567", "passport_expiry": "2019-05-31",
		"date_of_birth": "1972-04-04", "arrival_date": "2015-09-27", "departure_date": "2015-10-01",
		"arrival_flight": "AF 178", "airport_transfer": true, "hotel": "sample-hotel-a",
		"dietary": []string{"halal"}, "study_visit": "sample-visit-community", "consent_privacy": true,
	}
}

// asForm writes JSON fields as the registration form posts them.
func asForm(fields map[string]any) url.Values {
	v := url.Values{}
	for k, x := range fields {
		switch x := x.(type) {
		case bool:
			if x {
				v.Set(k, "on")
			}
		case []string:
			for _, s := range x {
				v.Add(k, s)
			}
		case string:
			v.Set(k, x)
		}
	}
	return v
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v", clip(rec.Body.String()), err)
	}
	return v
}

// register makes a registration through the API and returns its JSON. A
// restricted category comes with its access code, as invited delegates
// have it.
func (e *env) register(t *testing.T, fields map[string]any) map[string]any {
	t.Helper()
	if code, ok := e.codes[fmt.Sprint(fields["category"])]; ok && fields["access_code"] == nil {
		fields = with(fields, "access_code", code)
	}
	rec := e.do(t, request{method: "POST", path: "/api/v1/registrations", json: fields})
	if rec.Code != http.StatusCreated {
		t.Fatalf("register: got %d: %s", rec.Code, rec.Body.String())
	}
	return decode[map[string]any](t, rec)
}

// organiserPassword is every test organiser's password.
const organiserPassword = "correct horse battery staple"

// login creates an organiser with role (once) and signs in, returning the
// session cookie.
func (e *env) login(t *testing.T, role string) string {
	t.Helper()
	email := role + "@uil.example"
	if _, err := e.db.Authenticate(context.Background(), email, organiserPassword); err != nil {
		if _, err := e.db.SaveUser(context.Background(), store.System, email, organiserPassword, role); err != nil {
			t.Fatal(err)
		}
	}
	rec := e.do(t, request{method: "POST", path: "/admin/login", form: url.Values{"email": {email}, "password": {organiserPassword}}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("login as %s: got %d\n%s", role, rec.Code, clip(rec.Body.String()))
	}
	return sessionCookie(t, rec)
}

func sessionCookie(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == "delegate_admin" {
			return c.Value
		}
	}
	t.Fatalf("no session cookie in %v", rec.Header()["Set-Cookie"])
	return ""
}

// postFile posts data as a form's file field, named name, with header.
func (e *env) postFile(t *testing.T, field, path, name string, data []byte, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}
