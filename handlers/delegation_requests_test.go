package handlers_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"delegate/store"
)

// mailTo is the subject and text of the newest message of kind to an address.
func mailTo(t *testing.T, e *env, kind, to string) (store.OutboxMessage, bool) {
	t.Helper()
	msgs, err := e.db.FindOutbox(context.Background(), store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind == kind && m.To == to {
			return m, true
		}
	}
	return store.OutboxMessage{}, false
}

// Anyone asks for a delegation on the public form (bad values come back
// at their fields, with what was typed); the requester is told it
// arrived; an organiser approves it with the quota granted (the
// delegation is made, its focal points sent their links) or refuses it
// with a reason the requester is told (14.1).
func TestRequestADelegation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	bad := url.Values{"contact_name": {"María Pérez"}, "email": {"not an address"}, "name": {"Comisión Nacional del Perú"},
		"kind": {"member_state"}, "country": {""}, "quota": {"99"}, "focal_points": {"colega@example.pe"}}
	w := e.do(t, request{method: "POST", path: "/delegations/request?lang=es", form: bad})
	page := w.Body.String()
	if w.Code != 422 || !strings.Contains(page, `id="email-error"`) || !strings.Contains(page, `id="country-error"`) ||
		!strings.Contains(page, `id="quota-error"`) || !strings.Contains(page, `value="María Pérez"`) || !strings.Contains(page, "colega@example.pe") {
		t.Fatalf("a bad request: %d\n%s", w.Code, clip(page))
	}
	good := url.Values{"contact_name": {"María Pérez"}, "email": {"natcom@example.pe"}, "name": {"Perú — Comisión Nacional para la UNESCO"},
		"kind": {"member_state"}, "country": {"PE"}, "quota": {"6"}, "focal_points": {"colega@example.pe"}, "message": {"Seis delegados."}}
	w = e.do(t, request{method: "POST", path: "/delegations/request?lang=es", form: good})
	if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/delegations/request?sent=") {
		t.Fatalf("send: %d %s", w.Code, clip(w.Body.String()))
	}
	if done := e.do(t, request{method: "GET", path: w.Header().Get("Location")}).Body.String(); !strings.Contains(done, "Se ha enviado su solicitud para Perú") {
		t.Errorf("the page after sending: %s", clip(done))
	}
	if m, ok := mailTo(t, e, store.MailRequestReceived, "natcom@example.pe"); !ok || m.Language != "es" || !strings.Contains(m.Text, "Perú — Comisión Nacional para la UNESCO") ||
		!strings.Contains(m.Text, "Estimado/a María Pérez") {
		t.Errorf("the requester's acknowledgement: %+v", m)
	}
	admin := e.login(t, "admin")
	list := e.do(t, request{method: "GET", path: "/admin/delegations?lang=en", session: admin}).Body.String()
	if !strings.Contains(list, "Requests for a delegation") || !strings.Contains(list, "6 places asked for") || !strings.Contains(list, "Seis delegados.") {
		t.Fatalf("the request is not on the delegations page:\n%s", clip(list))
	}
	reqs, _ := e.db.DelegationRequests(ctx, store.RequestPending)
	approve := "/admin/delegations/requests/" + strconv.FormatInt(reqs[0].ID, 10) + "/approve"
	if w := e.do(t, request{method: "POST", path: approve, session: e.login(t, "viewer"), form: url.Values{"quota": {"4"}}}); w.Code != 403 {
		t.Errorf("a viewer approves: %d", w.Code)
	}
	w = e.do(t, request{method: "POST", path: approve, session: admin, form: url.Values{"quota": {"4"}}})
	if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/admin/delegations/") {
		t.Fatalf("approve: %d %s", w.Code, clip(w.Body.String()))
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(w.Header().Get("Location"), "/admin/delegations/"), 10, 64)
	d, err := e.db.FindDelegation(ctx, id)
	if err != nil || d.Quota != 4 || d.Kind != "member_state" || d.Country != "PE" || len(d.FocalPoints) != 2 {
		t.Fatalf("the delegation made: %+v %v", d, err)
	}
	for _, to := range []string{"natcom@example.pe", "colega@example.pe"} {
		if m, ok := mailTo(t, e, store.MailFocalLink, to); !ok || m.Language != "es" {
			t.Errorf("no sign-in link in Spanish to %s: %+v", to, m)
		}
	}
	e.do(t, request{method: "POST", path: approve, session: admin, form: url.Values{"quota": {"4"}}})
	all, _ := e.db.Delegations(ctx)
	if back := e.do(t, request{method: "GET", path: "/admin/delegations?lang=en", session: admin}).Body.String(); len(all) != 1 ||
		!strings.Contains(back, "This request has already been approved.") {
		t.Errorf("approved twice: %d delegations\n%s", len(all), clip(back))
	}

	// a second request, refused: the reason is required, and goes to the requester
	other := url.Values{"contact_name": {"Jean Dupont"}, "email": {"jean@example.org"}, "name": {"Association des amis des villes"},
		"kind": {"ngo"}, "quota": {"2"}}
	if w := e.do(t, request{method: "POST", path: "/delegations/request?lang=fr", form: other}); w.Code != 303 {
		t.Fatalf("second request: %d %s", w.Code, clip(w.Body.String()))
	}
	reqs, _ = e.db.DelegationRequests(ctx, store.RequestPending)
	refuse := "/admin/delegations/requests/" + strconv.FormatInt(reqs[0].ID, 10) + "/refuse"
	e.do(t, request{method: "POST", path: refuse, session: admin, form: url.Values{"reason": {" "}}})
	if still, _ := e.db.DelegationRequests(ctx, store.RequestPending); len(still) != 1 {
		t.Errorf("refused without a reason")
	}
	if w := e.do(t, request{method: "POST", path: refuse, session: admin, form: url.Values{"reason": {"Merci de vous inscrire individuellement."}}}); w.Code != 303 {
		t.Fatalf("refuse: %d", w.Code)
	}
	if m, ok := mailTo(t, e, store.MailRequestRefused, "jean@example.org"); !ok || m.Language != "fr" || !strings.Contains(m.Text, "Merci de vous inscrire individuellement.") {
		t.Errorf("the refusal: %+v", m)
	}
	if left, _ := e.db.DelegationRequests(ctx, store.RequestPending); len(left) != 0 {
		t.Errorf("still pending: %+v", left)
	}
}

// Organisers edit a delegation: a quota below the places its members
// hold is refused at its field; a focal point added is sent a link, one
// removed can no longer sign in for it (14.1).
func TestEditADelegation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	d, err := e.db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Chile", Kind: "member_state", Country: "CL", Quota: 3,
		FocalPoints: []string{"old@example.cl", "keep@example.cl"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"a@example.cl", "b@example.cl"} {
		if _, err := e.db.AddMember(ctx, store.System, d.ID, store.Details{GivenNames: "Ana", FamilyName: "Rojas", Email: email,
			Organisation: "Comisión", JobTitle: "Asesora", Country: "CL", Category: "member_state", Language: "es", ConsentPrivacy: true}, false, 0); err != nil {
			t.Fatal(err)
		}
	}
	admin := e.login(t, "admin")
	path := "/admin/delegations/" + strconv.FormatInt(d.ID, 10) + "/edit"
	if page := e.do(t, request{method: "GET", path: path + "?lang=en", session: admin}).Body.String(); !strings.Contains(page, "keep@example.cl\nold@example.cl") {
		t.Errorf("the edit form is not filled in:\n%s", clip(page))
	}
	form := url.Values{"name": {"Chile — Comisión Nacional"}, "kind": {"member_state"}, "country": {"CL"}, "quota": {"1"},
		"restricted_quota": {"0"}, "focal_points": {"keep@example.cl\nnew@example.cl"}}
	w := e.do(t, request{method: "POST", path: path + "?lang=en", session: admin, form: form})
	if w.Code != 422 || !strings.Contains(w.Body.String(), "Its members already hold 2 places") || !strings.Contains(w.Body.String(), "Chile — Comisión Nacional") {
		t.Fatalf("a quota below the members: %d\n%s", w.Code, clip(w.Body.String()))
	}
	form.Set("quota", "5")
	if w := e.do(t, request{method: "POST", path: path, session: admin, form: form}); w.Code != 303 {
		t.Fatalf("save: %d %s", w.Code, clip(w.Body.String()))
	}
	got, _ := e.db.FindDelegation(ctx, d.ID)
	if got.Name != "Chile — Comisión Nacional" || got.Quota != 5 || strings.Join(got.FocalPoints, ",") != "keep@example.cl,new@example.cl" {
		t.Errorf("saved: %+v", got)
	}
	if _, ok := mailTo(t, e, store.MailFocalLink, "new@example.cl"); !ok {
		t.Error("the new focal point was not sent a link")
	}
	if e.db.IsFocalPoint(ctx, "old@example.cl", d.ID) || !e.db.IsFocalPoint(ctx, "keep@example.cl", d.ID) {
		t.Error("the focal points after the edit")
	}
	if w := e.do(t, request{method: "POST", path: path, session: e.login(t, "viewer"), form: form}); w.Code != 403 {
		t.Errorf("a viewer edits: %d", w.Code)
	}
}
