package handlers_test

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"delegate/i18n"
	"delegate/pdf/pdftest"
)

// The list of participants as the UN prints it, read back from the PDF:
// Member States first in the alphabetical order of the list's language,
// then the host city, cities, the UN system, the press and the
// secretariat; the head of delegation first, then by rank; opted-out
// names absent; "Provisional" and "Final" with the day they were
// published, each kept as published (14.5).
func TestListOfParticipants(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	admin := e.login(t, "admin")
	delegation := func(name, kind, country string) string {
		w := e.do(t, request{method: "POST", path: "/api/v1/delegations", role: "admin", json: map[string]any{
			"name": name, "kind": kind, "country": country, "quota": 5, "focal_points": []string{"focal@example.org"}}})
		if w.Code != 201 {
			t.Fatalf("delegation %s: %d %s", name, w.Code, w.Body.String())
		}
		return "/api/v1/delegations/" + strconv.FormatInt(int64(decode[map[string]any](t, w)["id"].(float64)), 10) + "/members"
	}
	links := map[string]string{}
	approve := func(w map[string]any) {
		ref := w["reference"].(string)
		links[w["family_name"].(string)] = strings.TrimPrefix(w["manage_url"].(string), "https://iclc.example.org")
		if w := e.do(t, request{method: "POST", path: "/api/v1/registrations/" + ref + "/approve", role: "admin"}); w.Code != 200 {
			t.Fatalf("approve %s: %d %s", ref, w.Code, w.Body.String())
		}
	}
	person := func(email, given, family, category, country string, kv ...any) map[string]any {
		return with(with(valid(email), "given_names", given, "family_name", family, "category", category, "country", country,
			"organisation", "Org "+family, "job_title", "Job "+family, "invitation_letter", false, "gnlc", ""), kv...)
	}
	member := func(path string, fields map[string]any) {
		w := e.do(t, request{method: "POST", path: path, role: "admin", json: fields})
		if w.Code != 201 {
			t.Fatalf("member: %d %s", w.Code, w.Body.String())
		}
		approve(decode[map[string]any](t, w))
	}
	de := delegation("Allemagne — Commission allemande pour l'UNESCO", "member_state", "DE")
	member(de, person("weber@example.de", "Jonas", "Weber", "member_state", "DE", "rank", 2))
	member(de, person("mueller@example.de", "Anna", "Müller", "member_state", "DE", "head", true))
	member(de, person("schmidt@example.de", "Lena", "Schmidt", "member_state", "DE", "rank", 1))
	member(de, person("fischer@example.de", "Paul", "Fischer", "member_state", "DE"))
	za := delegation("South Africa — National Commission for UNESCO", "member_state", "ZA")
	member(za, person("nkosi@example.za", "Thandi", "Nkosi", "member_state", "ZA", "head", true))
	un := delegation("UNESCO Institute for Lifelong Learning", "un_system", "")
	member(un, person("uil@example.org", "Chen", "Li", "un_agency", "DE"))
	approve(e.register(t, person("cdmx@example.mx", "Rosa", "Hernández", "mayor", "MX", "city", "Ciudad de México")))
	approve(e.register(t, person("sp@example.br", "João", "Silva", "mayor", "BR", "city", "São Paulo")))
	approve(e.register(t, person("sp2@example.br", "Ana", "Souza", "city_official", "BR", "city", "sao paulo")))
	approve(e.register(t, person("press@example.fr", "Luc", "Martin", "press", "FR")))
	e.register(t, person("pending@example.fr", "Zoé", "Pendante", "press", "FR")) // not approved: not listed

	// Fischer leaves the list from the private page
	if w := e.do(t, request{method: "POST", path: links["Fischer"] + "/list", form: url.Values{"list": {"out"}}}); w.Code != 303 {
		t.Fatalf("opt out: %d %s", w.Code, clip(w.Body.String()))
	}
	if page := e.do(t, request{method: "GET", path: links["Fischer"] + "?lang=en"}).Body.String(); !strings.Contains(page, "You have asked to be left out") {
		t.Errorf("the private page does not say Fischer is left out:\n%s", clip(page))
	}
	if w := e.do(t, request{method: "POST", path: "/admin/participants/publish", session: admin, form: url.Values{"version": {"provisional"}}}); w.Code != 303 {
		t.Fatalf("publish: %d %s", w.Code, clip(w.Body.String()))
	}
	page := e.do(t, request{method: "GET", path: "/admin/participants?lang=en", session: admin}).Body.String()
	if !strings.Contains(page, "Provisional list of participants") || !strings.Contains(page, "/admin/participants/1/fr.pdf") || !strings.Contains(page, "<td>9</td>") {
		t.Fatalf("the published version is not on the page:\n%s", clip(page))
	}
	fr := pdftest.OneLine(t, e.do(t, request{method: "GET", path: "/admin/participants/1/fr.pdf", session: admin}).Body.Bytes())
	es := pdftest.OneLine(t, e.do(t, request{method: "GET", path: "/admin/participants/1/es.pdf", session: admin}).Body.Bytes())
	day := e.db.Now()
	inOrder(t, "fr", fr, "Liste provisoire des participants", "Publiée le "+i18n.For("fr").Date(day),
		"États membres", "Afrique du Sud", "NKOSI (Chef de délégation)", "Allemagne", "Anna MÜLLER (Chef de délégation)", "Job Müller, Org Müller",
		"Lena SCHMIDT", "Jonas WEBER", "Ville hôte", "Ciudad de México (Mexique)", "Rosa HERNÁNDEZ", "Villes", "São Paulo (Brésil)",
		"João SILVA", "Ana SOUZA", "Système des Nations Unies", "UNESCO Institute for Lifelong Learning", "Chen LI", "Presse", "Luc MARTIN")
	inOrder(t, "es", es, "Lista provisional de participantes", "Publicada el "+i18n.For("es").Date(day),
		"Estados Miembros", "Alemania", "Anna MÜLLER (Jefe/a de delegación)", "Lena SCHMIDT", "Jonas WEBER", "Sudáfrica", "Thandi NKOSI",
		"Ciudad anfitriona", "Ciudades", "São Paulo (Brasil)", "Prensa")
	for _, text := range []string{fr, es} {
		if strings.Contains(text, "FISCHER") || strings.Contains(text, "PENDANTE") || strings.Count(text, "São Paulo") != 1 {
			t.Errorf("opted out, pending or a city counted twice:\n%s", text)
		}
	}
	sheet := e.do(t, request{method: "GET", path: "/admin/participants/1/fr.xlsx", session: admin})
	x, err := excelize.OpenReader(bytes.NewReader(sheet.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("Provisoire")
	if len(rows) != 10 || rows[1][0] != "États membres" || rows[1][1] != "Afrique du Sud" || rows[2][5] != "Müller" || rows[2][2] != "Oui" {
		t.Errorf("the spreadsheet: %q", rows)
	}

	// Weber leaves too; the final list leaves him out, the provisional one stays as published
	if w := e.do(t, request{method: "POST", path: links["Weber"] + "/list", form: url.Values{"list": {"out"}}}); w.Code != 303 {
		t.Fatalf("opt out: %d", w.Code)
	}
	if w := e.do(t, request{method: "POST", path: "/admin/participants/publish", session: admin, form: url.Values{"version": {"final"}}}); w.Code != 303 {
		t.Fatalf("publish: %d", w.Code)
	}
	final := pdftest.OneLine(t, e.do(t, request{method: "GET", path: links["Nkosi"] + "/participants.pdf"}).Body.Bytes())
	if !strings.Contains(final, "Liste définitive des participants") || strings.Contains(final, "WEBER") || !strings.Contains(final, "SCHMIDT") {
		t.Errorf("the final list, as the delegate downloads it: %s", final)
	}
	again := pdftest.OneLine(t, e.do(t, request{method: "GET", path: "/admin/participants/1/fr.pdf", session: admin}).Body.Bytes())
	if again != fr {
		t.Errorf("the provisional list changed after it was published:\n%s\n%s", fr, again)
	}
	if w := e.do(t, request{method: "POST", path: "/admin/participants/publish", session: e.login(t, "viewer"), form: url.Values{"version": {"final"}}}); w.Code != 403 {
		t.Errorf("a viewer publishes: %d", w.Code)
	}
}

// inOrder fails unless each of want is in text, each after the one before.
func inOrder(t *testing.T, name, text string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := strings.Index(text[at:], w)
		if i < 0 {
			t.Errorf("%s: %q missing or out of order after %q in:\n%s", name, w, text[max(0, at-60):at], text)
			return
		}
		at += i + len(w)
	}
}
