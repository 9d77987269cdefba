package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"delegate/store"
)

// rule is one way to get a field wrong and what the delegate reads then.
type rule struct {
	field string
	value any
	want  string // part of the English message at that field
}

var rules = []rule{
	{"title", "Sir", "choose one of the options"},
	{"given_names", "", "required"},
	{"given_names", strings.Repeat("é", 101), "at most 100 characters"},
	{"family_name", "  ", "required"},
	{"family_name", "Diop\r\nBcc: all@example.org", "not allowed"},
	{"badge_name", strings.Repeat("x", 41), "at most 40 characters"},
	{"email", "", "required"},
	{"email", "aminata.example.sn", "valid email address"},
	{"email", "Aminata <a@example.sn>", "valid email address"},
	{"email", "a@localhost", "valid email address"},
	{"phone", "call me", "phone number"},
	{"organisation", "", "required"},
	{"organisation", strings.Repeat("o", 201), "at most 200 characters"},
	{"job_title", "", "required"},
	{"city", strings.Repeat("c", 101), "at most 100 characters"},
	{"country", "", "required"},
	{"country", "XX", "choose a country"},
	{"country", "Senegal", "choose a country"},
	{"country", "DD", "choose a country"}, // East Germany, withdrawn in 1990
	{"country", "UK", "choose a country"}, // reserved; the United Kingdom is GB
	{"nationality", "VD", "choose a country"},
	{"gnlc", "maybe", "choose one of the options"},
	{"category", "", "required"},
	{"category", "king", "choose one of the options"},
	{"language", "de", "choose one of the options"},
	{"nationality", "", "required"},
	{"passport_family_name", "", "required"},
	{"passport_family_name", "王", "Latin letters"},
	{"passport_given_names", "Амината", "Latin letters"},
	{"passport_number", "", "required"},
	{"passport_number", "12", "5 to 20 letters and digits"},
	{"passport_expiry", "2016-02-15", "valid until at least 30 March 2016"},
	{"passport_expiry", "15/02/2016", "YYYY-MM-DD"},
	{"date_of_birth", "", "required"},
	{"date_of_birth", "2012-01-01", "check the date of birth"},
	{"arrival_date", "2015-08-01", "between 14 September 2015 and 14 October 2015"},
	{"departure_date", "2015-09-26", "cannot be before the arrival"},
	{"arrival_flight", "by boat", "flight number"},
	{"hotel", "ritz", "choose one of the options"},
	{"study_visit", "pyramids", "choose one of the options"},
	{"dietary", []string{"halal", "meat"}, "choose one of the options"},
	{"dietary_notes", strings.Repeat("n", 501), "at most 500 characters"},
	{"accessibility", strings.Repeat("a", 501), "at most 500 characters"},
	{"consent_privacy", false, "only register you with this consent"},
}

func TestEveryValidationRuleThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	for i, r := range rules {
		t.Run(fmt.Sprintf("%s=%v", r.field, r.value), func(t *testing.T) {
			body := with(valid(fmt.Sprintf("api%d@example.org", i)), "language", "en", r.field, r.value)
			rec := e.do(t, request{method: "POST", path: "/api/v1/registrations?lang=en", json: body})
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("got %d, want 422: %s", rec.Code, rec.Body.String())
			}
			got := decode[struct {
				Error  string
				Fields map[string]string
			}](t, rec)
			if !strings.Contains(got.Fields[r.field], r.want) {
				t.Errorf("fields[%s] = %q, want it to say %q (all: %v)", r.field, got.Fields[r.field], r.want, got.Fields)
			}
			if len(got.Fields) != 1 {
				t.Errorf("got errors at %v, want only at %s", got.Fields, r.field)
			}
		})
	}
	if _, total, _ := e.db.FindRegistrations(context.Background(), store.Filter{}); total != 0 {
		t.Errorf("%d registrations stored from invalid requests", total)
	}
}

func TestEveryValidationRuleThroughTheForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	for i, r := range rules {
		t.Run(fmt.Sprintf("%s=%v", r.field, r.value), func(t *testing.T) {
			fields := with(valid(fmt.Sprintf("form%d@example.org", i)), r.field, r.value, "given_names", "Aminata Ndèye", "organisation", "Ville de Dakar")
			if r.field == "given_names" || r.field == "organisation" {
				fields[r.field] = r.value
			}
			rec := e.do(t, request{method: "POST", path: "/register?lang=en", form: asForm(fields)})
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("got %d, want 422", rec.Code)
			}
			body := rec.Body.String()
			if !strings.Contains(body, `id="`+r.field+`-error"`) {
				t.Errorf("no message next to %s", r.field)
			}
			if !strings.Contains(strings.ReplaceAll(body, "&#39;", "'"), r.want) {
				t.Errorf("page does not say %q", r.want)
			}
			// what was typed is still there
			for _, kept := range []string{`value="Ville de Dakar"`, `value="A01234567"`, `value="AF 178"`, `<option selected value=SN>`} {
				if r.field != "organisation" && r.field != "passport_number" && r.field != "arrival_flight" && r.field != "country" &&
					!strings.Contains(body, kept) {
					t.Errorf("the form lost %s", kept)
				}
			}
		})
	}
}

func TestFormMessagesInThePageLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	fields := with(valid("fr@example.org"), "passport_expiry", "2016-02-15")
	rec := e.do(t, request{method: "POST", path: "/register", form: asForm(fields),
		header: map[string]string{"Accept-Language": "fr-SN,fr;q=0.9"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("got %d", rec.Code)
	}
	body := strings.ReplaceAll(rec.Body.String(), "&#39;", "'")
	for _, want := range []string{`<html lang="fr">`, "Votre passeport doit être valide au moins jusqu'au 30 mars 2016",
		`value="Aminata"`, `value="2016-02-15"`, `<option value="H.E." selected>S.E.</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestFullHotelAndStudyVisit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	s := e.db.Settings()
	s.Hotels[0].Rooms, s.StudyVisits[0].Capacity, s.StudyVisits[1].Capacity = 1, 1, 4
	if _, err := e.db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	e.register(t, valid("first@example.org"))
	rec := e.do(t, request{method: "POST", path: "/api/v1/registrations?lang=en", json: valid("second@example.org")})
	got := decode[struct{ Fields map[string]string }](t, rec)
	if rec.Code != 422 || !strings.Contains(got.Fields["hotel"], "full") || !strings.Contains(got.Fields["study_visit"], "full") {
		t.Errorf("got %d %v, want 422 with hotel and study_visit full", rec.Code, got.Fields)
	}
	page := e.do(t, request{method: "GET", path: "/register?lang=en"}).Body.String()
	for _, want := range []string{`value="sample-hotel-a" disabled>Sample hotel A (example room block) (full)`,
		`value="sample-visit-community" disabled>`, "Sample visit: public libraries and reading programmes — 30 September 2015 (4 places left)"} {
		if !strings.Contains(page, want) {
			t.Errorf("form does not show %q", want)
		}
	}
}

// TestInputTheParsersLetThrough: invisible names, bidi tricks, searches
// too long to run, JSON with more after it and look-alike addresses are
// refused plainly, never a blank badge or a 500.
func TestInputTheParsersLetThrough(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	e.register(t, with(valid("jose@example.org"), "invitation_letter", false))
	e.run(t, []scenario{
		{name: "a name of zero-width spaces", req: request{method: "POST", path: "/api/v1/registrations?lang=en",
			json: with(valid("zw@example.org"), "given_names", "\u200b\u200b", "family_name", "\u2060")}, wantStatus: 422,
			want: []string{`"given_names"`, `"family_name"`}},
		{name: "a bidi override in the organisation", req: request{method: "POST", path: "/api/v1/registrations?lang=en",
			json: with(valid("bidi@example.org"), "organisation", "City\u202e of Dakar")}, wantStatus: 422, want: []string{`"organisation"`}},
		{name: "a joiner a script needs is kept", req: request{method: "POST", path: "/api/v1/registrations?lang=en",
			json: with(valid("zwnj@example.org"), "organisation", "Ville de Dakar\u200c", "invitation_letter", false)}, wantStatus: 201},
		{name: "a look-alike address", req: request{method: "POST", path: "/api/v1/registrations?lang=en",
			json: with(valid("ｊｏｓｅ@example.org"), "invitation_letter", false)}, wantStatus: 409},
		{name: "a search of a thousand words", req: request{method: "GET", role: "viewer",
			path: "/api/v1/registrations?q=" + strings.Repeat("a+", 1000)}, wantStatus: 422, want: []string{`"q"`}},
	})
	body, _ := json.Marshal(with(valid("trail@example.org"), "invitation_letter", false))
	req := httptest.NewRequest("POST", "/api/v1/registrations", strings.NewReader(string(body)+`{"more":1}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("JSON with more after it: %d, want 400", rec.Code)
	}
}
