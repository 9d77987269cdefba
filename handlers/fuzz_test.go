package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// FuzzRegistrationAPI posts whatever bytes to the registration API: the
// answer is a registration or an error in words, never a server error.
func FuzzRegistrationAPI(f *testing.F) {
	e := newEnv(f, 0)
	f.Add([]byte(`{"given_names":"Ana","family_name":"Lima","email":"ana@example.br","organisation":"Curitiba","job_title":"x","country":"BR","category":"member_state","consent_privacy":true}`))
	f.Add([]byte(`{"given_names":["a"],"dietary":"halal","arrival_date":"2015-02-30"}`))
	f.Add([]byte(`{"email":"a@b.c"} {"more":1}`))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := e.do(t, request{method: "POST", path: "/api/v1/registrations", raw: body, header: map[string]string{"Content-Type": "application/json"}})
		if rec.Code >= 500 {
			t.Fatalf("%q: %d %s", body, rec.Code, rec.Body.String())
		}
		if rec.Code != http.StatusCreated && rec.Code != http.StatusConflict && rec.Code/100 != 4 {
			t.Fatalf("%q: %d", body, rec.Code)
		}
	})
}

// FuzzRegistrationForm posts whatever values the registration form takes:
// the form comes back with its messages, or the registration is made.
func FuzzRegistrationForm(f *testing.F) {
	e := newEnv(f, 0)
	f.Add("Aminata", "Diop", "aminata@example.sn", "SN", "mayor", "2015-09-27", "A01234567", "halal")
	f.Add("", "\u202e", "not an address", "ZZ", "king", "27/09/2015", "0", "caviar")
	f.Fuzz(func(t *testing.T, given, family, email, country, category, date, passport, dietary string) {
		form := url.Values{"given_names": {given}, "family_name": {family}, "email": {email}, "country": {country},
			"category": {category}, "arrival_date": {date}, "passport_number": {passport}, "dietary": {dietary},
			"organisation": {family}, "job_title": {given}, "consent_privacy": {"on"}, "invitation_letter": {passport}}
		rec := e.do(t, request{method: "POST", path: "/register", form: form})
		if rec.Code >= 500 {
			t.Fatalf("%v: %d", form, rec.Code)
		}
	})
}
