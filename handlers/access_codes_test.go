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

// TestRestrictedCategoriesNeedACode: speakers and staff are by
// invitation. The form offers them only with a code, the API refuses
// them without one, and organisers make and revoke codes.
func TestRestrictedCategoriesNeedACode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	admin := e.login(t, "admin")
	rec := e.do(t, request{method: "POST", path: "/admin/codes?lang=en", session: admin,
		form: url.Values{"category": {"speaker"}, "max_uses": {"1"}, "note": {"plenary speaker"}, "code": {"plenary-2015"}}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create a code: %d\n%s", rec.Code, clip(rec.Body.String()))
	}
	expired, err := e.db.CreateAccessCode(ctx, store.System, store.NewAccessCode{Category: "staff", MaxUses: 0, ExpiresOn: "2015-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	speaker := with(valid("speaker@example.org"), "category", "speaker", "hotel", "", "study_visit", "")
	e.run(t, []scenario{
		{name: "the form offers open categories only", req: request{method: "GET", path: "/register?lang=en"}, wantStatus: 200,
			want: []string{`<option value="mayor"`, `name="access_code"`}, notWant: []string{`<option value="speaker"`, `<option value="staff"`}},
		{name: "a code link opens its category", req: request{method: "GET", path: "/register?lang=en&code=plenary-2015"}, wantStatus: 200,
			want: []string{`<option value="speaker" selected>`, `value="plenary-2015"`}, notWant: []string{`<option value="staff"`}},
		{name: "the API refuses a restricted category without a code", req: request{method: "POST", path: "/api/v1/registrations", json: speaker},
			wantStatus: 422, want: []string{`"category":"This category is by invitation`}},
		{name: "an expired code", req: request{method: "POST", path: "/api/v1/registrations?lang=en",
			json: with(speaker, "category", "staff", "access_code", expired.Code)},
			wantStatus: 422, want: []string{`"access_code":"This access code is not valid`}},
		{name: "a code for another category", req: request{method: "POST", path: "/api/v1/registrations?lang=en",
			json: with(speaker, "category", "staff", "access_code", "PLENARY-2015")}, wantStatus: 422},
		{name: "the code, typed in the form without a category", req: request{method: "POST", path: "/register?lang=en",
			form: asForm(with(speaker, "category", "", "access_code", " plenary-2015 "))}, wantStatus: 303},
		{name: "a single-use code is used up", req: request{method: "POST", path: "/register?lang=en",
			form: asForm(with(speaker, "email", "second@example.org", "access_code", "plenary-2015"))}, wantStatus: 422,
			want: []string{"has been used up", `value="plenary-2015"`, `value="second@example.org"`}},
		{name: "the codes page shows the use", req: request{method: "GET", path: "/admin/codes?lang=en", session: admin}, wantStatus: 200,
			want: []string{"PLENARY-2015", "1 / 1", "Used up or expired", "https://iclc.example.org/register?code=PLENARY-2015", "plenary speaker"}},
		{name: "desk staff cannot make codes", req: request{method: "POST", path: "/admin/codes", session: e.login(t, "desk"),
			form: url.Values{"category": {"speaker"}, "max_uses": {"1"}}}, wantStatus: 403},
		{name: "no code for an open category", req: request{method: "POST", path: "/admin/codes?lang=en", session: admin,
			form: url.Values{"category": {"mayor"}, "max_uses": {"1"}}}, wantStatus: 422,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if !strings.Contains(rec.Body.String(), `aria-invalid="true"`) {
					t.Error("the category is not marked")
				}
			}},
	})
	list, _, _ := e.db.FindRegistrations(ctx, store.Filter{Category: "speaker"})
	if len(list) != 1 || list[0].AccessCode != "PLENARY-2015" {
		t.Fatalf("speakers: %d, code %q", len(list), list[0].AccessCode)
	}
	codes, _ := e.db.FindAccessCodes(ctx)
	for _, a := range codes {
		if a.Code == "PLENARY-2015" {
			if err := e.db.RevokeAccessCode(ctx, store.System, a.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if body := e.do(t, request{method: "GET", path: "/register?code=PLENARY-2015"}).Body.String(); strings.Contains(body, `<option value="speaker"`) {
		t.Error("a revoked code still opens its category")
	}
}
