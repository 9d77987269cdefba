package handlers_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"delegate/i18n"
	"delegate/store"
)

// The dashboard and /stats count delegations, their members, the Member
// States and the cities (one however spelled); the cities report lists
// each city once with its GNLC answer; the ready message reaches the
// delegates of cities that want to join, each in their language (14.6, 14.8).
func TestCitiesAndTheNetwork(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	mayor := func(email, city, country, gnlc, lang string) map[string]any {
		return with(valid(email), "city", city, "country", country, "gnlc", gnlc, "language", lang, "invitation_letter", false)
	}
	e.register(t, mayor("a@cdmx.mx", "Ciudad de México", "MX", "interested", "es"))
	e.register(t, mayor("b@cdmx.mx", "ciudad de mexico", "MX", "interested", "fr"))
	e.register(t, mayor("c@medellin.co", "Medellín", "CO", "member", "es"))
	e.register(t, mayor("d@cali.co", "Cali", "CO", "interested", "en"))
	e.register(t, with(valid("minister@example.co"), "category", "member_state", "country", "CO", "invitation_letter", false))
	w := e.do(t, request{method: "POST", path: "/api/v1/delegations", role: "admin", json: map[string]any{
		"name": "Colombia", "kind": "member_state", "country": "CO", "quota": 5, "focal_points": []string{"natcom@example.co"}}})
	if w.Code != 201 {
		t.Fatalf("delegation: %d %s", w.Code, w.Body.String())
	}
	members := "/api/v1/delegations/" + strconv.Itoa(int(decode[map[string]any](t, w)["id"].(float64))) + "/members"
	var first string
	for _, email := range []string{"x@example.co", "y@example.co"} {
		w := e.do(t, request{method: "POST", path: members, role: "admin", json: with(valid(email), "category", "member_state", "country", "CO", "invitation_letter", false)})
		if w.Code != 201 {
			t.Fatalf("member: %d %s", w.Code, w.Body.String())
		}
		if first == "" {
			first = decode[map[string]any](t, w)["reference"].(string)
		}
	}
	if _, err := e.db.ApproveRegistration(ctx, store.System, first); err != nil {
		t.Fatal(err)
	}
	admin := e.login(t, "admin")
	e.run(t, []scenario{
		{name: "dashboard", req: request{method: "GET", path: "/admin?lang=en", session: admin}, wantStatus: 200, want: []string{
			`<a href="/admin/reports/cities.xlsx">3</a></p><p>Cities represented`,
			`<p class="num">2</p><p>Cities that want to join the GNLC · <a href="/admin/messages/new?preset=gnlc">Write to them</a>`,
			`<p class="num">1</p><p>Member States represented, of the over 100 expected`,
			`<td><a href="/admin/delegations/1">Colombia</a></td><td>2 / 5</td><td>1</td><td>0</td>`}},
		{name: "stats", req: request{method: "GET", path: "/api/v1/stats", role: "viewer"}, wantStatus: 200, want: []string{
			`"cities":3`, `"cities_interested":2`, `"member_states":1`, `"member_states_expected":100`,
			`"delegations":[{"id":1,"name":"Colombia","kind":"member_state","country":"CO","quota":5,"nominated":2,"approved":1,"checked_in":0}]`}},
		{name: "cities report", req: request{method: "GET", path: "/admin/reports/cities.csv?lang=en", session: admin}, wantStatus: 200, want: []string{
			"Cali,Colombia,,Aminata Diop,Wants to join,1", "Medellín,Colombia,,Aminata Diop,Member,1",
			"Ciudad de México,Mexico,,Aminata Diop,Wants to join,2"}},
	})
	preset := e.do(t, request{method: "GET", path: "/admin/messages/new?preset=gnlc&lang=en", session: admin}).Body.String()
	form := url.Values{"gnlc": {"interested"}, "send": {"1"}}
	for _, lang := range store.Languages {
		l := i18n.For(lang)
		subject, body := l.T("gnlc.campaign.subject"), l.T("gnlc.campaign.body")
		if !strings.Contains(preset, strings.ReplaceAll(subject, "'", "&#39;")) || !strings.Contains(preset, "learningcities.uil.unesco.org") {
			t.Errorf("the ready message lacks its %s text", lang)
		}
		form.Set("subject."+lang, subject)
		form.Set("body."+lang, body)
	}
	if !strings.Contains(preset, `<option value="interested" selected>`) {
		t.Errorf("the ready message is not addressed to the cities that want to join")
	}
	if w := e.do(t, request{method: "POST", path: "/admin/messages", session: admin, form: form}); w.Code != 303 {
		t.Fatalf("send: %d %s", w.Code, clip(w.Body.String()))
	}
	sent, _ := e.db.FindOutbox(ctx, store.OutboxFilter{})
	got := map[string]string{}
	for _, m := range sent {
		if m.Kind == store.MailMessage {
			got[m.To] = m.Subject
		}
	}
	if len(got) != 3 || got["a@cdmx.mx"] != i18n.For("es").T("gnlc.campaign.subject") ||
		got["b@cdmx.mx"] != i18n.For("fr").T("gnlc.campaign.subject") || got["d@cali.co"] != i18n.For("en").T("gnlc.campaign.subject") {
		t.Errorf("the message to the cities that want to join: %v", got)
	}
}
