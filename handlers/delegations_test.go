package handlers_test

import (
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
