package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"delegate/handlers"
	"delegate/store"
)

func TestEveryAPIRouteChecksTheRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	r := e.register(t, valid("roles@example.org"))
	var routes []handlers.Route
	for _, rt := range e.h.Routes() {
		if strings.HasPrefix(rt.Path, "/api/") && rt.Role != "public" {
			routes = append(routes, rt)
		}
	}
	if len(routes) < 8 {
		t.Fatalf("only %d organiser API routes listed", len(routes))
	}
	for _, rt := range routes {
		path := strings.Replace(rt.Path, ":reference", r["reference"].(string), 1)
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			if rec := e.do(t, request{method: rt.Method, path: path}); rec.Code != http.StatusUnauthorized {
				t.Errorf("without a token: got %d, want 401", rec.Code)
			}
			rec := e.do(t, request{method: rt.Method, path: path, header: map[string]string{"Authorization": "Bearer dlg_forged"}})
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("with a forged token: got %d, want 401", rec.Code)
			}
			for _, role := range store.Roles {
				rec := e.do(t, request{method: rt.Method, path: path, role: role, json: map[string]any{}})
				allowed := store.RoleAtLeast(role, rt.Role)
				switch {
				case !allowed && rec.Code != http.StatusForbidden:
					t.Errorf("role %s: got %d, want 403", role, rec.Code)
				case allowed && (rec.Code == http.StatusForbidden || rec.Code == http.StatusUnauthorized || rec.Code >= 500):
					t.Errorf("role %s: got %d, want it allowed: %s", role, rec.Code, rec.Body.String())
				}
			}
		})
	}
}

func TestRegistrationAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	first := e.register(t, valid("Aminata@Example.SN"))
	ref := first["reference"].(string)
	if !strings.HasPrefix(first["manage_url"].(string), "https://iclc.example.org/r/") {
		t.Errorf("manage_url %v", first["manage_url"])
	}
	for i, name := range []string{"José", "Ελένη", "Олена"} {
		e.register(t, with(valid(fmt.Sprintf("p%d@example.org", i)), "given_names", name, "category", "speaker", "hotel", "", "country", "MX"))
	}
	e.run(t, []scenario{
		{name: "no passport data in answers", req: request{method: "GET", path: "/api/v1/registrations/" + ref, role: "viewer"},
			wantStatus: 200, want: []string{`"reference":"` + ref, `"status":"pending"`, `"invitation_letter":true`},
			notWant: []string{"A01234567", "passport_number", "1972-04-04", "manage_url"}},
		{name: "duplicate email in another case", req: request{method: "POST", path: "/api/v1/registrations?lang=en", json: valid("aminata@example.sn")},
			wantStatus: 409, want: []string{`"email":"A registration with this email address already exists`}},
		{name: "not JSON", req: request{method: "POST", path: "/api/v1/registrations", header: map[string]string{"Content-Type": "application/json"}},
			wantStatus: 400, want: []string{`"error"`}},
		{name: "a field of the wrong type", req: request{method: "POST", path: "/api/v1/registrations?lang=en", json: with(valid("type@example.org"), "dietary", "halal")},
			wantStatus: 422, want: []string{`"dietary":"This field has the wrong type of value."`}},
		{name: "list all", req: request{method: "GET", path: "/api/v1/registrations", role: "viewer"},
			wantStatus: 200, want: []string{`"total":4`}},
		{name: "filter by status", req: request{method: "GET", path: "/api/v1/registrations?status=approved", role: "viewer"},
			wantStatus: 200, want: []string{`"total":3`, "Ελένη", "Олена"}, notWant: []string{"Aminata"}},
		{name: "filter by country and accents", req: request{method: "GET", path: "/api/v1/registrations?country=mx&q=jose", role: "viewer"},
			wantStatus: 200, want: []string{`"total":1`, "José"}},
		{name: "paging", req: request{method: "GET", path: "/api/v1/registrations?per_page=2&page=2", role: "viewer"},
			wantStatus: 200, want: []string{`"total":4`, `"page":2`}, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[struct{ Registrations []map[string]any }](t, rec)
				if len(got.Registrations) != 2 {
					t.Errorf("page 2 of 2 per page: got %d rows", len(got.Registrations))
				}
			}},
		{name: "bad filter", req: request{method: "GET", path: "/api/v1/registrations?status=maybe&per_page=9999", role: "viewer"},
			wantStatus: 422, want: []string{`"status"`, `"per_page"`}},
		{name: "unknown reference", req: request{method: "GET", path: "/api/v1/registrations/ICLC-ZZZZZZ", role: "viewer"},
			wantStatus: 404, want: []string{`"error"`}},
		{name: "approve", req: request{method: "POST", path: "/api/v1/registrations/" + ref + "/approve", role: "admin"},
			wantStatus: 200, want: []string{`"status":"approved"`}},
		{name: "approve again", req: request{method: "POST", path: "/api/v1/registrations/" + ref + "/approve", role: "admin"},
			wantStatus: 409, want: []string{`"code":"status_approved"`}},
		{name: "reject with reason", req: request{method: "POST", path: "/api/v1/registrations/" + ref + "/reject", role: "admin", json: map[string]string{"reason": "Duplicate delegation"}},
			wantStatus: 200, want: []string{`"status":"rejected"`, `"status_reason":"Duplicate delegation"`}},
		{name: "cancel a rejected one", req: request{method: "POST", path: "/api/v1/registrations/" + ref + "/cancel", role: "admin"},
			wantStatus: 409},
		{name: "stats", req: request{method: "GET", path: "/api/v1/stats", role: "viewer"},
			wantStatus: 200, want: []string{`"total":4`, `"approved":3`, `"rejected":1`, `"capacity":600`, `"MX":3`}},
	})
	msgs, _ := e.db.FindOutbox(context.Background(), store.OutboxFilter{})
	kinds := map[string]int{}
	for _, m := range msgs {
		kinds[m.Kind]++
	}
	if kinds[store.MailReceived] != 1 || kinds[store.MailApproved] != 4 || kinds[store.MailRejected] != 1 {
		t.Errorf("outbox holds %v, want 1 received, 4 approved, 1 rejected", kinds)
	}
}

func TestConferenceSettingsAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	e.register(t, valid("one@example.org"))
	e.run(t, []scenario{
		{name: "get", req: request{method: "GET", path: "/api/v1/conference", role: "viewer"},
			wantStatus: 200, want: []string{`"start_date":"2015-09-28"`, `"capacity":600`, `"time_zone":"America/Mexico_City"`, `"code":"city_official"`}},
		{name: "lower the capacity", req: request{method: "PUT", path: "/api/v1/conference", role: "admin", json: map[string]any{"capacity": 1}},
			wantStatus: 200, want: []string{`"capacity":1`, `"start_date":"2015-09-28"`}},
		{name: "next one waits", req: request{method: "POST", path: "/api/v1/registrations", json: valid("two@example.org")},
			wantStatus: 201, want: []string{`"status":"waitlisted"`}},
		{name: "bad values", req: request{method: "PUT", path: "/api/v1/conference?lang=en", role: "admin", json: map[string]any{"end_date": "2015-09-01", "capacity": -5, "time_zone": "Mars/Olympus"}},
			wantStatus: 422, want: []string{`"end_date":"The end cannot be before the start."`, `"capacity"`, `"time_zone"`}},
		// new dates tell what they set off first, and are saved on a second call
		{name: "new dates asked", req: request{method: "PUT", path: "/api/v1/conference?lang=en", role: "admin", json: map[string]any{"start_date": "2015-10-05", "end_date": "2015-10-07"}},
			wantStatus: 409, want: []string{`"code":"confirm_dates"`, `"consequences":{"emailed":2,"letters_reissued":0}`, "saving will email 2 delegates"}},
		{name: "new dates", req: request{method: "PUT", path: "/api/v1/conference?confirm=dates", role: "admin", json: map[string]any{"start_date": "2015-10-05", "end_date": "2015-10-07"}},
			wantStatus: 200, want: []string{`"end_date":"2015-10-07"`}},
		{name: "passport rule follows the dates", req: request{method: "POST", path: "/api/v1/registrations?lang=en", json: with(valid("three@example.org"), "passport_expiry", "2016-04-06", "arrival_date", "", "departure_date", "")},
			wantStatus: 422, want: []string{"7 April 2016"}},
		{name: "not JSON", req: request{method: "PUT", path: "/api/v1/conference", role: "admin", header: map[string]string{"Content-Type": "application/json"}},
			wantStatus: 400},
		{name: "close registration", req: request{method: "PUT", path: "/api/v1/conference", role: "admin", json: map[string]any{"registration_closes": "2015-06-01"}},
			wantStatus: 200, want: []string{`"registration_closes":"2015-06-01"`}},
		{name: "closed to the API", req: request{method: "POST", path: "/api/v1/registrations?lang=en", json: valid("late@example.org")},
			wantStatus: 409, want: []string{`"code":"registration_closed"`, "Registration is closed."}},
		{name: "closed form", req: request{method: "GET", path: "/register?lang=en"},
			wantStatus: 200, want: []string{"Registration for the conference is closed"}, notWant: []string{`name="given_names"`}},
		{name: "closed home", req: request{method: "GET", path: "/?lang=en"},
			wantStatus: 200, want: []string{"Registration is closed."}, notWant: []string{"Register now"}},
		{name: "closed to the form", req: request{method: "POST", path: "/register?lang=en", form: asForm(valid("late@example.org"))},
			wantStatus: 409, want: []string{"Registration is closed."}},
	})
	msgs, _ := e.db.FindOutbox(context.Background(), store.OutboxFilter{})
	if msgs[0].Kind != store.MailDatesChanged || !strings.Contains(msgs[0].Subject, "du 5 au 7 octobre 2015") {
		t.Errorf("latest message: %s %q, want dates_changed in French", msgs[0].Kind, msgs[0].Subject)
	}
}
