package handlers_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
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
