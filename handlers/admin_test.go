package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"delegate/store"
)

func TestEveryAdminRouteChecksTheRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	ref := e.register(t, valid("matrix@example.org"))["reference"].(string)
	spare, err := e.db.SaveUser(ctx, store.System, "spare@uil.example", organiserPassword, "viewer")
	if err != nil {
		t.Fatal(err)
	}
	sessions := map[string]string{}
	for _, role := range store.Roles {
		sessions[role] = e.login(t, role)
	}
	var admin []string
	for _, rt := range e.h.Routes() {
		if rt.Role == "" {
			t.Errorf("%s %s declares no role", rt.Method, rt.Path)
		}
		if !strings.HasPrefix(rt.Path, "/admin") || rt.Role == "public" {
			continue
		}
		admin = append(admin, rt.Method+" "+rt.Path)
		path := strings.NewReplacer(":reference", ref, ":id", strconv.FormatInt(spare.ID, 10)).Replace(rt.Path)
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			rec := e.do(t, request{method: rt.Method, path: path, form: url.Values{}})
			if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/admin/login") {
				t.Errorf("without a session: got %d to %q, want 303 to the login page", rec.Code, rec.Header().Get("Location"))
			}
			for _, role := range store.Roles {
				rec := e.do(t, request{method: rt.Method, path: path, form: url.Values{}, session: sessions[role]})
				allowed := store.RoleAtLeast(role, rt.Role)
				toLogin := strings.HasPrefix(rec.Header().Get("Location"), "/admin/login")
				switch {
				case !allowed && rec.Code != http.StatusForbidden:
					t.Errorf("role %s: got %d, want 403", role, rec.Code)
				case allowed && (rec.Code == http.StatusForbidden || toLogin || rec.Code >= 500):
					t.Errorf("role %s: got %d (to %q), want it allowed", role, rec.Code, rec.Header().Get("Location"))
				}
			}
		})
	}
	if len(admin) < 18 {
		t.Errorf("only %d admin routes found: %v", len(admin), admin)
	}
}

func TestCrossOriginAdminPost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ref := e.register(t, valid("csrf@example.org"))["reference"].(string)
	admin := e.login(t, "admin")
	path := "/admin/registrations/" + ref + "/approve"
	rec := e.do(t, request{method: "POST", path: path, session: admin, form: url.Values{},
		header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}})
	if rec.Code != http.StatusForbidden {
		t.Errorf("cross-site post: got %d, want 403", rec.Code)
	}
	if r, _ := e.db.FindRegistration(context.Background(), ref); r.Status != store.StatusPending {
		t.Fatalf("cross-site post changed the status to %s", r.Status)
	}
	rec = e.do(t, request{method: "POST", path: path, session: admin, form: url.Values{},
		header: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "https://iclc.example.org"}})
	if rec.Code != http.StatusSeeOther {
		t.Errorf("same-origin post: got %d, want 303", rec.Code)
	}
	if r, _ := e.db.FindRegistration(context.Background(), ref); r.Status != store.StatusApproved {
		t.Errorf("same-origin post: status %s, want approved", r.Status)
	}
}

func TestDashboardSearchAndBulkApprove(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	var refs []string
	for i, name := range []string{"José", "Ana", "Zoë", "Ελένη"} {
		r := e.register(t, with(valid(fmt.Sprintf("d%d@example.org", i)), "given_names", name, "hotel", "", "study_visit", ""))
		refs = append(refs, r["reference"].(string))
	}
	e.register(t, with(valid("speaker@example.org"), "category", "speaker", "hotel", "", "study_visit", ""))
	viewer, admin := e.login(t, "viewer"), e.login(t, "admin")

	dash := e.do(t, request{method: "GET", path: "/admin?lang=en", session: viewer})
	st, _ := e.db.Stats(ctx)
	for _, want := range []string{fmt.Sprintf("%d / 600", st.PlacesTaken), `status=pending&amp;sort=oldest">4</a>`,
		"<th scope=\"row\">Senegal</th><td>5</td>", "<th scope=\"row\">Mayor or city leader</th><td>4</td>", "Registrations per day"} {
		if !strings.Contains(dash.Body.String(), want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	list := e.do(t, request{method: "GET", path: "/admin/registrations?q=jose&lang=en", session: viewer}).Body.String()
	if !strings.Contains(list, "Diop, José") || strings.Contains(list, "Ana") || !strings.Contains(list, "(1)") {
		t.Errorf("search jose did not find exactly José:\n%s", clip(list))
	}
	if strings.Contains(list, `name="action"`) {
		t.Error("a viewer sees the bulk buttons")
	}

	rec := e.do(t, request{method: "POST", path: "/admin/registrations/bulk?lang=en", session: admin,
		form: url.Values{"action": {"approve"}, "ref": {refs[0], refs[3]}, "back": {"/admin/registrations?status=pending"}}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/registrations?status=pending" {
		t.Fatalf("bulk: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	for i, ref := range refs {
		r, _ := e.db.FindRegistration(ctx, ref)
		want := store.StatusPending
		if i == 0 || i == 3 {
			want = store.StatusApproved
		}
		if r.Status != want {
			t.Errorf("%s: %s, want %s", ref, r.Status, want)
		}
		msgs, _ := e.db.FindOutbox(ctx, store.OutboxFilter{RegistrationID: r.ID})
		approvedMail := false
		for _, m := range msgs {
			approvedMail = approvedMail || m.Kind == store.MailApproved
		}
		if approvedMail != (want == store.StatusApproved) {
			t.Errorf("%s: approval message written: %v, want %v", ref, approvedMail, want == store.StatusApproved)
		}
	}
	page := e.do(t, request{method: "GET", path: "/admin/registrations?lang=en", session: admin}).Body.String()
	if !strings.Contains(page, "2 approved; 0 skipped") {
		t.Errorf("no flash after the bulk approval")
	}
}

func TestRegistrationDetailActionsAndNotes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	ref := e.register(t, valid("detail@example.org"))["reference"].(string)
	admin, desk := e.login(t, "admin"), e.login(t, "desk")
	base := "/admin/registrations/" + ref
	e.run(t, []scenario{
		{name: "detail", req: request{method: "GET", path: base + "?lang=en", session: desk}, wantStatus: 200,
			want:    []string{"H.E. Aminata Diop", "Waiting for approval", "••••••567", "nous avons reçu votre inscription"},
			notWant: []string{"A01234567", "1972-04-04"}},
		{name: "empty note", req: request{method: "POST", path: base + "/notes?lang=en", session: desk, form: url.Values{"note": {" "}}},
			wantStatus: 422, want: []string{"This field is required"}},
		{name: "note", req: request{method: "POST", path: base + "/notes", session: desk, form: url.Values{"note": {"Called: arrives with two advisers"}}},
			wantStatus: 303},
		{name: "edit form", req: request{method: "GET", path: base + "/edit?lang=en", session: admin}, wantStatus: 200,
			want: []string{`value="A01234567"`, `action="` + base + `/edit"`}},
		{name: "bad edit", req: request{method: "POST", path: base + "/edit?lang=en", session: admin, form: asForm(with(valid("detail@example.org"), "email", "nope"))},
			wantStatus: 422, want: []string{"valid email address", `value="nope"`}},
		{name: "edit", req: request{method: "POST", path: base + "/edit", session: admin, form: asForm(with(valid("detail@example.org"), "category", "speaker", "job_title", "Deputy Mayor"))},
			wantStatus: 303},
		{name: "reject with reason", req: request{method: "POST", path: base + "/reject", session: admin, form: url.Values{"reason": {"Registered twice"}}},
			wantStatus: 303},
		{name: "history and note", req: request{method: "GET", path: base + "?lang=en", session: desk}, wantStatus: 200,
			want: []string{"Called: arrives with two advisers", "Details changed", "Job title: Adjointe au maire → Deputy Mayor",
				"Declined · Reason: Registered twice · Status: Waiting for approval → Declined", "· admin@uil.example</span>",
				"Category: Mayor or city leader → Speaker", "the delegate</span><br>Registered · Status: Waiting for approval"}},
	})
	r, _ := e.db.FindRegistration(ctx, ref)
	if r.Category != "speaker" || r.Status != store.StatusRejected {
		t.Errorf("after edit and reject: %s %s", r.Category, r.Status)
	}
}

func TestSettingsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	e.register(t, valid("uses-mayor@example.org"))
	admin := e.login(t, "admin")
	get := e.do(t, request{method: "GET", path: "/admin/settings?lang=en", session: admin})
	form := formFromPage(t, get.Body.String())
	form.Set("capacity", "450")
	form.Set("categories.1.fee", "175.50")
	rec := e.do(t, request{method: "POST", path: "/admin/settings", session: admin, form: form})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", rec.Code, clip(rec.Body.String()))
	}
	// hotels and study visits are on a page of their own
	places := formFromPage(t, e.do(t, request{method: "GET", path: "/admin/settings/places?lang=en", session: admin}).Body.String())
	places.Set("hotels.3.code", "casa-azul")
	places.Set("hotels.3.name.en", "Casa Azul")
	places.Set("hotels.3.name.es", "Hotel Casa Azul")
	places.Set("hotels.3.rooms", "12")
	rec = e.do(t, request{method: "POST", path: "/admin/settings/places", session: admin, form: places})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/settings/places" {
		t.Fatalf("save the hotels: %d %s\n%s", rec.Code, rec.Header().Get("Location"), clip(rec.Body.String()))
	}
	places.Set("hotels.0.rooms", "-3")
	if rec = e.do(t, request{method: "POST", path: "/admin/settings/places?lang=en", session: admin, form: places}); rec.Code != 422 ||
		!strings.Contains(rec.Body.String(), `value="-3"`) {
		t.Errorf("negative rooms: %d", rec.Code)
	}
	s := e.db.Settings()
	if h, ok := s.Hotel("casa-azul"); s.Capacity != 450 || !ok || h.Rooms != 12 || h.Name.In("es") != "Hotel Casa Azul" {
		t.Errorf("saved capacity %d, hotel %+v", s.Capacity, h)
	}
	if s.Organiser.Fr == "" || s.Secretariat.Address.In("es") != "Feldbrunnenstr. 58, 20148 Hamburgo, Alemania" {
		t.Errorf("saving the page lost the organiser %+v or the secretariat's address %+v", s.Organiser, s.Secretariat.Address)
	}
	if c, _ := s.Category("city_official"); c.Fee != 17550 || c.CostsCovered.En == "" {
		t.Errorf("city_official fee %d (want 17550), costs kept: %q", c.Fee, c.CostsCovered.En)
	}

	bad := formFromPage(t, e.do(t, request{method: "GET", path: "/admin/settings", session: admin}).Body.String())
	bad.Set("capacity", "many")
	bad.Set("categories.2.fee", "12.345")
	bad.Set("end_date", "2015-09-01")
	bad.Set("categories.0.remove", "on") // mayor, in use
	rec = e.do(t, request{method: "POST", path: "/admin/settings?lang=en", session: admin, form: bad})
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad settings: %d", rec.Code)
	}
	for _, want := range []string{"Please enter a whole number", "Please enter an amount such as 150.00", `value="many"`, `value="12.345"`} {
		if !strings.Contains(body, want) {
			t.Errorf("bad settings page lacks %q", want)
		}
	}
	bad.Set("capacity", "500")
	bad.Set("categories.2.fee", "0")
	rec = e.do(t, request{method: "POST", path: "/admin/settings?lang=en", session: admin, form: bad})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "The end cannot be before the start") {
		t.Errorf("got %d; want the end date refused", rec.Code)
	}
	bad.Set("end_date", "2015-09-30")
	rec = e.do(t, request{method: "POST", path: "/admin/settings?lang=en", session: admin, form: bad})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "mayor is used by live registrations") {
		t.Errorf("got %d; want the category in use refused", rec.Code)
	}
	if e.db.Settings().Capacity != 450 {
		t.Error("a refused form changed the settings")
	}
}

// formFromPage reads the values of a page's inputs, as a browser would
// submit them.
func formFromPage(t *testing.T, page string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, tag := range strings.Split(page, "<input")[1:] {
		tag = tag[:strings.IndexByte(tag, '>')]
		name, value := attr(tag, "name"), attr(tag, "value")
		if name == "" {
			continue
		}
		if strings.Contains(tag, `type="checkbox"`) {
			if strings.Contains(tag, " checked") {
				v.Set(name, "on")
			}
			continue
		}
		v.Set(name, htmlUnescape(value))
	}
	return v
}

func attr(tag, name string) string {
	i := strings.Index(tag, " "+name+`="`)
	if i < 0 {
		return ""
	}
	rest := tag[i+len(name)+3:]
	return rest[:strings.IndexByte(rest, '"')]
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#39;", "'", "&#34;", `"`, "&lt;", "<", "&gt;", ">").Replace(s)
}

func TestOrganisersAndTokensPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	admin := e.login(t, "admin")
	e.run(t, []scenario{
		{name: "add organiser", req: request{method: "POST", path: "/admin/users", session: admin,
			form: url.Values{"email": {"desk2@uil.example"}, "role": {"desk"}, "password": {"another long password"}}}, wantStatus: 303},
		{name: "bad organiser", req: request{method: "POST", path: "/admin/users?lang=en", session: admin,
			form: url.Values{"email": {"nope"}, "role": {"king"}, "password": {"short"}}}, wantStatus: 422,
			want: []string{"valid email address", "at least 12 characters", `value="nope"`}},
		{name: "list", req: request{method: "GET", path: "/admin/users?lang=en", session: admin}, wantStatus: 200,
			want: []string{"desk2@uil.example", "admin@uil.example"}},
		{name: "create token", req: request{method: "POST", path: "/admin/tokens?lang=en", session: admin,
			form: url.Values{"name": {"exports"}, "role": {"viewer"}}}, wantStatus: 200,
			want: []string{"shown only this once", "dlg_"}, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				body := rec.Body.String()
				i := strings.Index(body, "dlg_")
				secret := body[i : i+strings.IndexByte(body[i:], '<')]
				call := func() int {
					req := httptest.NewRequest("GET", "/api/v1/stats", nil)
					req.Header.Set("Authorization", "Bearer "+secret)
					rec := httptest.NewRecorder()
					e.h.ServeHTTP(rec, req)
					return rec.Code
				}
				if code := call(); code != 200 {
					t.Fatalf("new token: %d", code)
				}
				tokens, _ := e.db.FindTokens(context.Background())
				rec = e.do(t, request{method: "POST", path: fmt.Sprintf("/admin/tokens/%d/revoke", tokens[0].ID), session: admin})
				if rec.Code != http.StatusSeeOther {
					t.Fatalf("revoke: %d", rec.Code)
				}
				if code := call(); code != http.StatusUnauthorized {
					t.Errorf("revoked token: got %d, want 401", code)
				}
			}},
		{name: "tokens list never shows secrets", req: request{method: "GET", path: "/admin/tokens?lang=en", session: admin}, wantStatus: 200,
			want: []string{"exports", "Revoked on"}, notWant: []string{"dlg_"}},
		{name: "audit", req: request{method: "GET", path: "/admin/audit?lang=en&action=token.", session: admin}, wantStatus: 200,
			want: []string{"token.create", "token.revoke", "user:admin@uil.example"}, notWant: []string{"user.save"}},
	})
	users, _ := e.db.FindUsers(context.Background())
	var adminID int64
	for _, u := range users {
		if u.Role == "admin" {
			adminID = u.ID
		}
	}
	rec := e.do(t, request{method: "POST", path: fmt.Sprintf("/admin/users/%d?lang=en", adminID), session: admin, form: url.Values{"role": {"viewer"}}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("demote last admin: %d", rec.Code)
	}
	if u, _ := e.db.FindUser(context.Background(), adminID); u.Role != "admin" {
		t.Error("the last admin was demoted")
	}
}

// TestBulkBeyondOnePage: a selection too big for a form is a 413 that
// says so and changes nothing (it was read as "no action"), and "all
// that match" approves every pending registration of the filter, however
// many, with one message each.
func TestBulkBeyondOnePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	admin := e.login(t, "admin")
	var refs []string
	for i := range 120 {
		d := store.Details{GivenNames: "Amara", FamilyName: fmt.Sprintf("Okafor %d", i), Email: fmt.Sprintf("b%d@example.ng", i),
			Organisation: "Lagos State", JobTitle: "Officer", Country: "NG", Category: "ngo", Language: "en", ConsentPrivacy: true}
		r, err := e.db.CreateRegistration(ctx, store.System, d)
		if err != nil || r.Status != store.StatusPending {
			t.Fatalf("registration %d: %v %s", i, err, r.Status)
		}
		refs = append(refs, r.Reference)
	}
	form := url.Values{"action": {"approve"}}
	for i := range 5000 {
		form.Add("ref", fmt.Sprintf("%s-%04d", refs[i%len(refs)], i))
	}
	rec := e.do(t, request{method: "POST", path: "/admin/registrations/bulk?lang=en", session: admin, form: form})
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "too") {
		t.Errorf("5,000 ticked rows: %d\n%s", rec.Code, clip(rec.Body.String()))
	}
	if st, _ := e.db.Stats(ctx); st.ByStatus[store.StatusApproved] != 0 {
		t.Errorf("%d approved by a refused form", st.ByStatus[store.StatusApproved])
	}
	rec = e.do(t, request{method: "POST", path: "/admin/registrations/bulk?lang=en", session: admin,
		form: url.Values{"action": {"approve"}, "all": {"on"}, "status": {"pending"}, "country": {"NG"}}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("all that match: %d\n%s", rec.Code, clip(rec.Body.String()))
	}
	page := e.do(t, request{method: "GET", path: "/admin/registrations?lang=en", session: sessionOr(rec, admin)}).Body.String()
	if !strings.Contains(page, "120 approved") {
		t.Errorf("the flash after all that match: %s", clip(page))
	}
	st, _ := e.db.Stats(ctx)
	queued, _ := e.db.FindOutbox(ctx, store.OutboxFilter{Limit: 1000})
	approvals := 0
	for _, m := range queued {
		if m.Kind == store.MailApproved {
			approvals++
		}
	}
	if st.ByStatus[store.StatusApproved] != 120 || approvals != 120 {
		t.Errorf("approved %d, approval messages %d; want 120 each", st.ByStatus[store.StatusApproved], approvals)
	}
}

// sessionOr is the session cookie rec set, or s.
func sessionOr(rec *httptest.ResponseRecorder, s string) string {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "delegate_admin" {
			return c.Value
		}
	}
	return s
}
