package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"delegate/store"
)

// Delegations through the API: an organiser creates one, adds members up
// to its quota (409 quota_full past it), and reads them back, the head
// first; a viewer reads but cannot add.
func TestDelegationsThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	w := e.do(t, request{method: "POST", path: "/api/v1/delegations", role: "admin", json: map[string]any{
		"name": "Sénégal — Commission nationale pour l'UNESCO", "kind": "member_state", "country": "SN", "quota": 2,
		"focal_points": []string{"natcom@example.sn"}}})
	if w.Code != 201 {
		t.Fatalf("create: %d %s", w.Code, w.Body.String())
	}
	d := decode[struct {
		ID          int64
		FocalPoints []string `json:"focal_points"`
		Credentials string
	}](t, w)
	if d.ID == 0 || len(d.FocalPoints) != 1 || d.Credentials != "none" {
		t.Fatalf("created: %+v", d)
	}
	msgs, _ := e.db.FindOutbox(context.Background(), store.OutboxFilter{})
	if len(msgs) == 0 || msgs[0].Kind != store.MailFocalLink || msgs[0].To != "natcom@example.sn" {
		t.Errorf("the focal point was not sent a sign-in link: %+v", msgs)
	}
	members := "/api/v1/delegations/" + strconv.FormatInt(d.ID, 10) + "/members"
	for i, m := range []map[string]any{
		with(valid("adviser@example.sn"), "family_name", "Ba", "rank", 2),
		with(valid("minister@example.sn"), "family_name", "Sall", "head", true, "rank", 1),
	} {
		if w := e.do(t, request{method: "POST", path: members, role: "admin", json: m}); w.Code != 201 {
			t.Fatalf("member %d: %d %s", i, w.Code, w.Body.String())
		}
	}
	w = e.do(t, request{method: "POST", path: members + "?lang=en", role: "admin", json: valid("third@example.sn")})
	if w.Code != 409 || !strings.Contains(w.Body.String(), `"code":"quota_full"`) {
		t.Errorf("past the quota: %d %s", w.Code, w.Body.String())
	}
	if w := e.do(t, request{method: "POST", path: members, role: "viewer", json: valid("fourth@example.sn")}); w.Code != 403 {
		t.Errorf("a viewer adds a member: %d", w.Code)
	}
	list := e.do(t, request{method: "GET", path: members, role: "viewer"}).Body.String()
	sall, ba := strings.Index(list, `"family_name":"Sall"`), strings.Index(list, `"family_name":"Ba"`)
	if sall < 0 || ba < 0 || sall > ba || !strings.Contains(list, `"head":true`) {
		t.Errorf("members, the head first:\n%s", list)
	}
	all := e.do(t, request{method: "GET", path: "/api/v1/delegations", role: "viewer"}).Body.String()
	if !strings.Contains(all, `"members":2`) || !strings.Contains(all, `"quota":2`) {
		t.Errorf("delegations: %s", all)
	}
	if w := e.do(t, request{method: "GET", path: "/api/v1/delegations/999", role: "viewer"}); w.Code != 404 {
		t.Errorf("no such delegation: %d", w.Code)
	}
	one := "/api/v1/delegations/" + strconv.FormatInt(d.ID, 10)
	if w := e.do(t, request{method: "PUT", path: one + "?lang=en", role: "admin", json: map[string]any{"quota": 1}}); w.Code != 422 ||
		!strings.Contains(w.Body.String(), "Its members already hold 2 places") {
		t.Errorf("a quota below the members: %d %s", w.Code, w.Body.String())
	}
	w = e.do(t, request{method: "PUT", path: one, role: "admin", json: map[string]any{"quota": 3,
		"focal_points": []string{"natcom@example.sn", "mission@example.sn"}}})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"quota":3`) || !strings.Contains(w.Body.String(), "mission@example.sn") ||
		!strings.Contains(w.Body.String(), `"name":"Sénégal — Commission nationale pour l'UNESCO"`) {
		t.Errorf("update: %d %s", w.Code, w.Body.String())
	}
	if w := e.do(t, request{method: "PUT", path: one, role: "viewer", json: map[string]any{"quota": 9}}); w.Code != 403 {
		t.Errorf("a viewer updates: %d", w.Code)
	}
	w = e.do(t, request{method: "POST", path: one + "/credentials", role: "admin", json: map[string]any{"credentials": "original", "credentials_at": "2015-09-01"}})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"credentials":"original"`) || !strings.Contains(w.Body.String(), `"credentials_at":"2015-09-01`) {
		t.Errorf("credentials: %d %s", w.Code, w.Body.String())
	}
	if w := e.do(t, request{method: "POST", path: one + "/credentials", role: "admin", json: map[string]any{"credentials": "stamped"}}); w.Code != 422 {
		t.Errorf("bad credentials: %d", w.Code)
	}
}

// Organisers create a delegation from the admin: a bad value comes back
// at its field with what was typed; the delegation's page lists its
// members, the head first, with the places left (14.1).
func TestDelegationsInTheAdmin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	admin := e.login(t, "admin")
	bad := url.Values{"name": {"Perú — Comisión Nacional"}, "kind": {"member_state"}, "country": {""}, "quota": {"many"},
		"restricted_quota": {"0"}, "focal_points": {"natcom@example.pe\nnot an address"}}
	w := e.do(t, request{method: "POST", path: "/admin/delegations?lang=en", session: admin, form: bad})
	page := w.Body.String()
	if w.Code != 422 || !strings.Contains(page, `id="quota-error"`) || !strings.Contains(page, `value="Perú — Comisión Nacional"`) ||
		!strings.Contains(page, "not an address</textarea>") {
		t.Fatalf("bad delegation: %d\n%s", w.Code, clip(page))
	}
	bad.Set("quota", "3")
	bad.Set("country", "PE")
	bad.Set("focal_points", "natcom@example.pe, mission@example.pe")
	w = e.do(t, request{method: "POST", path: "/admin/delegations", session: admin, form: bad})
	if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/admin/delegations/") {
		t.Fatalf("create: %d %s", w.Code, w.Header().Get("Location"))
	}
	path := w.Header().Get("Location")
	id := strings.TrimPrefix(path, "/admin/delegations/")
	for _, m := range []map[string]any{with(valid("a@example.pe"), "family_name", "Zegarra"), with(valid("b@example.pe"), "family_name", "Quispe", "head", true)} {
		if w := e.do(t, request{method: "POST", path: "/api/v1/delegations/" + id + "/members", role: "admin", json: m}); w.Code != 201 {
			t.Fatalf("member: %d", w.Code)
		}
	}
	page = e.do(t, request{method: "GET", path: path + "?lang=en", session: e.login(t, "viewer")}).Body.String()
	if !strings.Contains(page, "2 of 3 places taken, 1 left") || strings.Index(page, "Quispe") > strings.Index(page, "Zegarra") ||
		!strings.Contains(page, "<td>Head</td>") || !strings.Contains(page, "mission@example.pe") {
		t.Errorf("the delegation's page:\n%s", clip(page))
	}
	list := e.do(t, request{method: "GET", path: "/admin/delegations?lang=es", session: admin}).Body.String()
	if !strings.Contains(list, "Perú — Comisión Nacional") || !strings.Contains(list, "Estado Miembro") || !strings.Contains(list, "<td>2 / 3</td>") {
		t.Errorf("the list of delegations:\n%s", clip(list))
	}
}

// focalSignIn asks for a sign-in link for email and follows it, as a
// focal point would from the email; it returns the session cookie.
func focalSignIn(t *testing.T, e *env, email string) string {
	t.Helper()
	ctx := context.Background()
	if w := e.do(t, request{method: "POST", path: "/focal/login?lang=en", form: url.Values{"email": {email}}}); w.Code != 200 ||
		!strings.Contains(w.Body.String(), "a sign-in link is on its way") {
		t.Fatalf("ask for a link: %d", w.Code)
	}
	msgs, _ := e.db.FindOutbox(ctx, store.OutboxFilter{})
	var link string
	for _, m := range msgs {
		if m.Kind == store.MailFocalLink && m.To == email && link == "" {
			mail, err := e.db.Deliverable(ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			link = regexp.MustCompile(`https://iclc\.example\.org(/focal/auth\?token=\S+)`).FindStringSubmatch(mail.Text)[1]
		}
	}
	if link == "" {
		t.Fatalf("no sign-in link emailed to %s", email)
	}
	w := e.do(t, request{method: "GET", path: link})
	if w.Code != 303 || w.Header().Get("Location") != "/focal" {
		t.Fatalf("follow the link: %d %s", w.Code, w.Header().Get("Location"))
	}
	if again := e.do(t, request{method: "GET", path: link}); again.Code != 404 {
		t.Errorf("the link worked twice: %d", again.Code)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == "delegate_focal" {
			return c.Value
		}
	}
	t.Fatal("no focal session cookie")
	return ""
}

// A focal point signs in from the emailed link, nominates a member with
// the public form's checks, marks the head, substitutes and withdraws;
// another delegation's pages and members are not there for them (14.2).
func TestFocalPointNominates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	sn, _ := e.db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Sénégal", Kind: "member_state", Country: "SN", Quota: 2,
		FocalPoints: []string{"natcom@example.sn"}})
	pe, _ := e.db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Perú", Kind: "member_state", Country: "PE", Quota: 2,
		FocalPoints: []string{"natcom@example.pe"}})
	stranger, err := e.db.AddMember(ctx, store.System, pe.ID, store.Details{GivenNames: "Rosa", FamilyName: "Quispe",
		Email: "peru@example.pe", Organisation: "Comisión Nacional", JobTitle: "Secretaria", Country: "PE", Category: "member_state",
		Language: "es", ConsentPrivacy: true}, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	cookie := "delegate_focal=" + focalSignIn(t, e, "natcom@example.sn")
	as := func(method, path string, form url.Values) *httptest.ResponseRecorder {
		return e.do(t, request{method: method, path: path, form: form, header: map[string]string{"Cookie": cookie}})
	}
	base := "/focal/delegations/" + strconv.FormatInt(sn.ID, 10)
	if w := as("GET", "/focal", nil); w.Code != 303 || w.Header().Get("Location") != base {
		t.Fatalf("home: %d %s", w.Code, w.Header().Get("Location"))
	}
	bad := asForm(with(valid("ba@example.sn"), "family_name", "Ba", "passport_expiry", "2015-10-01"))
	if w := as("POST", base+"/members?lang=en", bad); w.Code != 422 || !strings.Contains(w.Body.String(), `value="Ba"`) {
		t.Fatalf("a bad member: %d", w.Code)
	}
	good := asForm(with(valid("ba@example.sn"), "family_name", "Ba"))
	if w := as("POST", base+"/members", good); w.Code != 303 {
		t.Fatalf("nominate: %d\n%s", w.Code, clip(w.Body.String()))
	}
	members, _ := e.db.Members(ctx, sn.ID)
	if len(members) != 1 || members[0].Email != "ba@example.sn" {
		t.Fatalf("members: %+v", members)
	}
	ba := members[0].Reference
	if w := as("POST", base+"/members/"+ba+"/role", url.Values{"head": {"on"}, "rank": {"1"}}); w.Code != 303 {
		t.Fatalf("head: %d", w.Code)
	}
	page := as("GET", base+"?lang=en", nil).Body.String()
	if !strings.Contains(page, "1 of 2 places taken, 1 left") || !strings.Contains(page, `id="head-`+ba+`" name="head" checked`) {
		t.Errorf("the delegation's page:\n%s", clip(page))
	}
	sub := asForm(with(valid("sall@example.sn"), "family_name", "Sall"))
	if w := as("POST", base+"/members/"+ba+"/substitute", sub); w.Code != 303 {
		t.Fatalf("substitute: %d\n%s", w.Code, clip(w.Body.String()))
	}
	members, _ = e.db.Members(ctx, sn.ID)
	if len(members) != 2 || members[0].FamilyName != "SALL" && members[0].FamilyName != "Sall" || !members[0].Head || members[1].Status != store.StatusCancelled {
		t.Errorf("after the substitution: %+v", members)
	}
	ask := as("POST", base+"/members/"+members[0].Reference+"/withdraw", url.Values{})
	if ask.Code != 200 || !strings.Contains(ask.Body.String(), "the place comes free") || !strings.Contains(ask.Body.String(), `href="`+base+`"`) {
		t.Fatalf("withdraw without confirming: %d\n%s", ask.Code, clip(ask.Body.String()))
	}
	if r, _ := e.db.FindRegistration(ctx, members[0].Reference); r.Status == store.StatusCancelled {
		t.Fatal("withdrawn before the focal point confirmed")
	}
	if w := as("POST", base+"/members/"+members[0].Reference+"/withdraw", url.Values{"confirm": {"1"}}); w.Code != 303 {
		t.Fatalf("withdraw: %d", w.Code)
	}
	if r, _ := e.db.FindRegistration(ctx, members[0].Reference); r.Status != store.StatusCancelled {
		t.Errorf("withdrawn member: %s", r.Status)
	}
	// another delegation: its pages and its members are not found
	other := "/focal/delegations/" + strconv.FormatInt(pe.ID, 10)
	for _, try := range []struct{ method, path string }{
		{"GET", other}, {"GET", other + "/members/new"}, {"POST", other + "/members"},
		{"POST", other + "/members/" + stranger.Reference + "/role"}, {"POST", other + "/members/" + stranger.Reference + "/withdraw"},
		{"GET", other + "/members/" + stranger.Reference + "/substitute"},
		{"POST", base + "/members/" + stranger.Reference + "/withdraw"}, {"POST", base + "/members/" + stranger.Reference + "/role"},
		{"GET", base + "/members/" + stranger.Reference + "/substitute"},
		{"POST", other + "/members/" + stranger.Reference + "/list"}, {"POST", base + "/members/" + stranger.Reference + "/list"},
		{"GET", other + "/note"}, {"POST", other + "/note"},
		{"GET", other + "/members/" + stranger.Reference + "/proforma.pdf"}, {"GET", base + "/members/" + stranger.Reference + "/proforma.pdf"},
		{"GET", other + "/proforma.pdf"},
	} {
		if w := as(try.method, try.path, url.Values{"rank": {"1"}, "confirm": {"1"}, "list": {"out"}}); w.Code != 404 {
			t.Errorf("%s %s: %d, want 404", try.method, try.path, w.Code)
		}
	}
	if r, _ := e.db.FindRegistration(ctx, stranger.Reference); r.Status != store.StatusPending || !r.Head || r.ListOptOut {
		t.Errorf("the other delegation's member changed: %s head %v", r.Status, r.Head)
	}
}

// Every focal point's page sends someone not signed in to the sign-in
// page.
func TestFocalRoutesNeedASignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	n := 0
	for _, rt := range e.h.Routes() {
		if rt.Role != "focal" {
			continue
		}
		n++
		path := strings.NewReplacer(":id", "1", ":reference", "ICLC-AAAAAA").Replace(rt.Path)
		if w := e.do(t, request{method: rt.Method, path: path, form: url.Values{}}); w.Code != 303 || w.Header().Get("Location") != "/focal/login" {
			t.Errorf("%s %s without a session: %d to %q", rt.Method, rt.Path, w.Code, w.Header().Get("Location"))
		}
	}
	if n < 8 {
		t.Errorf("only %d focal routes", n)
	}
}

// A focal point uploads the note verbale: a PDF is kept and comes back
// byte for byte as a download; a renamed executable, an HTML page, a
// file over 10 MB and an empty one are refused in words; organisers
// download it and record the credentials (14.3).
func TestNoteVerbaleUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	d, _ := e.db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Sénégal", Kind: "member_state", Country: "SN", Quota: 2,
		FocalPoints: []string{"natcom@example.sn"}})
	cookie := focalSignIn(t, e, "natcom@example.sn")
	base := "/focal/delegations/" + strconv.FormatInt(d.ID, 10)
	send := func(name string, data []byte) string {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("note_verbale", name)
		fw.Write(data)
		mw.Close()
		req := httptest.NewRequest("POST", base+"/note?lang=en", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(&http.Cookie{Name: "delegate_focal", Value: cookie})
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != 303 {
			t.Fatalf("upload %s: %d %s", name, rec.Code, clip(rec.Body.String()))
		}
		page := e.do(t, request{method: "GET", path: base + "?lang=en", header: map[string]string{"Cookie": "delegate_focal=" + cookie}})
		return page.Body.String()
	}
	pdf := append([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"), bytes.Repeat([]byte{0xE2, 0x80}, 500)...)
	for _, bad := range []struct {
		name string
		data []byte
		want string
	}{
		{"note.pdf", append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 200)...), "this file is none of them"},
		{"note.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "this file is none of them"},
		{"big.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 12<<20)...), "The file is over 10 MB."},
		{"empty.pdf", nil, "The file is empty."},
	} {
		if page := send(bad.name, bad.data); !strings.Contains(page, bad.want) {
			t.Errorf("%s (%d bytes): no %q on the page", bad.name, len(bad.data), bad.want)
		}
	}
	if got, _ := e.db.FindDelegation(ctx, d.ID); got.NoteVerbale {
		t.Fatal("a refused file was kept")
	}
	if page := send("Note verbale n°12.pdf", pdf); !strings.Contains(page, "The note verbale is saved.") {
		t.Fatal("the PDF was not kept")
	}
	for _, who := range []request{
		{method: "GET", path: base + "/note", header: map[string]string{"Cookie": "delegate_focal=" + cookie}},
		{method: "GET", path: "/admin/delegations/" + strconv.FormatInt(d.ID, 10) + "/note", session: e.login(t, "viewer")},
	} {
		w := e.do(t, who)
		if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), pdf) || w.Header().Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment;") || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d %v, %d bytes", who.path, w.Code, w.Header(), w.Body.Len())
		}
	}
	admin := e.login(t, "admin")
	w := e.do(t, request{method: "POST", path: "/admin/delegations/" + strconv.FormatInt(d.ID, 10) + "/credentials", session: admin,
		form: url.Values{"credentials": {"original"}, "credentials_at": {"2015-09-01"}}})
	if got, _ := e.db.FindDelegation(ctx, d.ID); w.Code != 303 || got.Credentials != "original" || got.CredentialsAt == nil || !got.NoteVerbale {
		t.Errorf("credentials: %d %+v", w.Code, got)
	}
}
