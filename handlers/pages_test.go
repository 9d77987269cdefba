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

func TestPublicPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	e.run(t, []scenario{
		{name: "home in English", req: request{method: "GET", path: "/"}, wantStatus: 200,
			want: []string{"Second International Conference on Learning Cities", "Building Sustainable Learning Cities",
				"28–30 September 2015", "learningcities@unesco.org", `href="/register"`, "What is a learning city?"}},
		{name: "home in Spanish by header", req: request{method: "GET", path: "/", header: map[string]string{"Accept-Language": "es-MX,es;q=0.9"}},
			wantStatus: 200, want: []string{`lang="es"`, "Segunda Conferencia Internacional sobre Ciudades del Aprendizaje", "del 28 al 30 de septiembre de 2015"}},
		{name: "home in French by query", req: request{method: "GET", path: "/?lang=fr", header: map[string]string{"Accept-Language": "es"}},
			wantStatus: 200, want: []string{`lang="fr"`, "Qu&#39;est-ce qu&#39;une ville apprenante ?"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if c := rec.Header().Get("Set-Cookie"); !strings.Contains(c, "lang=fr") || !strings.Contains(c, "HttpOnly") {
					t.Errorf("Set-Cookie %q does not remember fr", c)
				}
			}},
		{name: "cookie beats header", req: request{method: "GET", path: "/register", header: map[string]string{"Cookie": "lang=es", "Accept-Language": "fr"}},
			wantStatus: 200, want: []string{"Inscripción", `<option value=MX>México`, "Carta de invitación para el visado"}},
		{name: "form sections and samples", req: request{method: "GET", path: "/register?lang=en"}, wantStatus: 200,
			want: []string{"About you", "Your participation", "Visa invitation letter", "Travel and stay", "Meals and accessibility", "Consent",
				`name="passport_number"`, "Sample hotel A (example room block)", "Sample visit: community learning centres", "valid until at least 30 March 2016"}},
		{name: "security headers", req: request{method: "GET", path: "/"}, wantStatus: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				for k, want := range map[string]string{
					"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
					"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
				} {
					if !strings.Contains(rec.Header().Get(k), want) {
						t.Errorf("%s = %q, want %q", k, rec.Header().Get(k), want)
					}
				}
				if strings.Contains(rec.Header().Get("Content-Security-Policy"), "unsafe-inline") {
					t.Error("CSP allows inline code")
				}
			}},
		{name: "stylesheet", req: request{method: "GET", path: "/static/style.css"}, wantStatus: 200, want: []string{".field"}},
		{name: "health", req: request{method: "GET", path: "/healthz"}, wantStatus: 200, want: []string{"ok"}},
		{name: "unknown page", req: request{method: "GET", path: "/nowhere?lang=en"}, wantStatus: 404, want: []string{"Page not found"}},
		{name: "unknown private link", req: request{method: "GET", path: "/r/not-a-token?lang=en"}, wantStatus: 404, want: []string{"Page not found"}},
		{name: "cross-site form post", req: request{method: "POST", path: "/register", form: asForm(valid("x@example.org")),
			header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}}, wantStatus: 403},
		{name: "same-origin form post", req: request{method: "POST", path: "/register", form: asForm(valid("y@example.org")),
			header: map[string]string{"Sec-Fetch-Site": "same-origin"}}, wantStatus: 303},
		{name: "oversized body", req: request{method: "POST", path: "/api/v1/registrations",
			json: with(valid("big@example.org"), "accessibility", strings.Repeat("x", 70<<10))}, wantStatus: 413},
		{name: "oversized form", req: request{method: "POST", path: "/register",
			form: asForm(with(valid("big@example.org"), "accessibility", strings.Repeat("x", 70<<10)))}, wantStatus: 413},
	})
}

func TestRateLimitOnPublicPosts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3)
	for i := range 3 {
		rec := e.do(t, request{method: "POST", path: "/api/v1/registrations", json: valid("")})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("request %d: got %d, want 422", i+1, rec.Code)
		}
	}
	rec := e.do(t, request{method: "POST", path: "/api/v1/registrations", json: valid("")})
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Errorf("4th request in a minute: got %d, want 429 with Retry-After", rec.Code)
	}
	if rec := e.do(t, request{method: "POST", path: "/register", form: url.Values{}}); rec.Code != http.StatusTooManyRequests {
		t.Errorf("form after the limit: got %d, want 429", rec.Code)
	}
	if rec := e.do(t, request{method: "GET", path: "/register"}); rec.Code != http.StatusOK {
		t.Errorf("reading pages is not limited: got %d", rec.Code)
	}
}

func TestPrivatePageEditAndCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	rec := e.do(t, request{method: "POST", path: "/register", form: asForm(valid("aminata@example.sn")),
		header: map[string]string{"Accept-Language": "fr"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("register: got %d\n%s", rec.Code, clip(rec.Body.String()))
	}
	manage := rec.Header().Get("Location")
	token := strings.TrimPrefix(strings.Split(manage, "?")[0], "/r/")
	if len(token) != 43 {
		t.Fatalf("private link %q does not carry a 32-byte token", manage)
	}
	r, err := e.db.FindRegistrationByToken(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	base := "/r/" + token
	e.run(t, []scenario{
		{name: "after registering", req: request{method: "GET", path: manage, header: map[string]string{"Accept-Language": "fr"}}, wantStatus: 200,
			want:    []string{"Merci, votre inscription est reçue", "En attente d&#39;approbation", r.Reference, "S.E. Aminata Diop", "Sénégal", "Maire ou dirigeant municipal", "Halal"},
			notWant: []string{"A01234567"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Header().Get("Cache-Control") != "no-store" {
					t.Error("private page may be cached")
				}
			}},
		{name: "edit form keeps values", req: request{method: "GET", path: base + "/edit?lang=en"}, wantStatus: 200,
			want: []string{`value="Aminata"`, `value="A01234567"`, `<option value="sample-hotel-a" selected>`, `action="` + base + `/edit"`, "Save changes"}},
		{name: "bad edit", req: request{method: "POST", path: base + "/edit?lang=en", form: asForm(with(valid("aminata@example.sn"), "departure_date", "2015-09-20", "arrival_flight", "AF 999"))},
			wantStatus: 422, want: []string{"cannot be before the arrival", `value="AF 999"`}},
		{name: "good edit", req: request{method: "POST", path: base + "/edit", form: asForm(with(valid("aminata@example.sn"), "arrival_flight", "AF 999"))},
			wantStatus: 303, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Header().Get("Location") != base+"?saved=1" {
					t.Errorf("redirect to %q", rec.Header().Get("Location"))
				}
				got, _ := e.db.FindRegistration(ctx, r.Reference)
				if got.ArrivalFlight != "AF 999" {
					t.Errorf("arrival flight %q, want AF 999", got.ArrivalFlight)
				}
				h, _ := e.db.History(ctx, r.ID)
				if last := h[len(h)-1]; last.Action != "registration.update" || last.Detail["arrival_flight"] == nil {
					t.Errorf("history: %+v", last)
				}
			}},
		{name: "change of email", req: request{method: "POST", path: base + "/edit?lang=en", form: asForm(valid("other@example.org"))},
			wantStatus: 303},
		{name: "cancel asks first", req: request{method: "GET", path: base + "/cancel?lang=en"}, wantStatus: 200,
			want: []string{"Cancel your registration?", "Yes, cancel my registration", `method="post"`}},
		{name: "cancel", req: request{method: "POST", path: base + "/cancel"}, wantStatus: 303},
		{name: "cancelled page", req: request{method: "GET", path: base + "?cancelled=1&lang=en"}, wantStatus: 200,
			want: []string{"Your registration is cancelled", "This registration is cancelled."}, notWant: []string{"Change my details"}},
		{name: "no edit after cancel", req: request{method: "POST", path: base + "/edit?lang=en", form: asForm(valid("other@example.org"))},
			wantStatus: 409, want: []string{"can no longer be changed"}},
		{name: "no second cancel", req: request{method: "POST", path: base + "/cancel"}, wantStatus: 409},
	})
	msgs, _ := e.db.FindOutbox(ctx, store.OutboxFilter{RegistrationID: r.ID})
	if len(msgs) != 2 || msgs[0].Kind != store.MailCancelled || msgs[0].Language != "fr" || !strings.Contains(msgs[0].Subject, "est annulée") {
		t.Errorf("messages after cancelling: %+v", msgs)
	}
}

func TestDuplicateThroughTheForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	e.register(t, valid("dup@example.org"))
	rec := e.do(t, request{method: "POST", path: "/register?lang=en", form: asForm(valid("DUP@example.org"))})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "already exists") {
		t.Errorf("got %d, want 422 saying the address is registered", rec.Code)
	}
}

// TestHeadOnEveryGet: monitors ask with HEAD.
func TestHeadOnEveryGet(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	for _, path := range []string{"/healthz", "/", "/register", "/verify"} {
		if rec := e.do(t, request{method: "HEAD", path: path}); rec.Code != http.StatusOK {
			t.Errorf("HEAD %s: %d", path, rec.Code)
		}
	}
}
