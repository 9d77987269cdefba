package handlers_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Issue 13's points, each named after it, as a delegate or organiser
// meets them in the page.

// The error summary names each field with its message, in the order of
// the form, and links to the field.
func TestErrorSummaryNamesFieldsInFormOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	w := e.do(t, request{method: "POST", path: "/register", form: url.Values{"email": {"not an address"}},
		header: map[string]string{"Accept-Language": "es"}})
	if w.Code != 422 {
		t.Fatalf("empty form: %d", w.Code)
	}
	page := w.Body.String()
	block := regexp.MustCompile(`(?s)<div class="alert" role="alert" id="form-errors" tabindex="-1">.*?</div>`).FindString(page)
	if block == "" {
		t.Fatalf("no focusable error summary:\n%s", page)
	}
	links := regexp.MustCompile(`<li><a href="#([a-z_-]+)">([^<]*)</a></li>`).FindAllStringSubmatch(block, -1)
	var ids, lines []string
	for _, l := range links {
		ids, lines = append(ids, l[1]), append(lines, l[2])
		if !strings.Contains(page, `id="`+l[1]+`"`) {
			t.Errorf("the summary links to #%s, which the page does not have", l[1])
		}
	}
	want := []string{"Nombre(s): Este campo es obligatorio.", "Apellido(s): Este campo es obligatorio."}
	if len(lines) < 4 || lines[0] != want[0] || lines[1] != want[1] {
		t.Fatalf("summary lines: %q", lines)
	}
	order := strings.Join(ids, " ")
	if !regexp.MustCompile(`^given_names family_name email .*organisation job_title country category .*consent_privacy$`).MatchString(order) {
		t.Errorf("summary not in the form's order: %s", order)
	}
	if len(dedupe(lines)) != len(lines) {
		t.Errorf("the summary repeats itself: %q", lines)
	}
}

func dedupe(s []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range s {
		m[x] = true
	}
	return m
}

// The private page, its edit and cancel pages speak the delegate's
// language, not the browser's, unless the reader picks another; the edit
// page does not repeat the new form's intro (13.3).
func TestPrivatePagesSpeakTheDelegatesLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	link, _ := e.privateLink(t, with(valid("lucia@example.mx"), "language", "es"))
	english := map[string]string{"Accept-Language": "en-GB,en;q=0.9"}
	for _, tc := range []struct {
		path   string
		header map[string]string
		want   string
	}{
		{link, english, "<h1>Su inscripción</h1>"},
		{link + "/edit", english, "<h1>Modificar su inscripción</h1>"},
		{link + "/cancel", english, `lang="es"`},
		{link + "?lang=en", english, "<h1>Your registration</h1>"},
		{link, map[string]string{"Accept-Language": "es", "Cookie": "lang=fr"}, `lang="fr"`},
	} {
		w := e.do(t, request{method: "GET", path: tc.path, header: tc.header})
		if w.Code != 200 || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s with %v: %d, want %q in\n%.600s", tc.path, tc.header, w.Code, tc.want, w.Body.String())
		}
	}
	w := e.do(t, request{method: "GET", path: link + "/edit", header: english})
	if strings.Contains(w.Body.String(), "Recibirá un correo de confirmación") {
		t.Error("the edit page repeats the new form's intro")
	}
}

// The home page is in the reader's language throughout, the secretariat's
// address and the footer too, shows the venue with a map link and links
// the privacy notice, which is a page of its own (13.4).
func TestHomePageLocalisedWithMapAndPrivacy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	home := e.do(t, request{method: "GET", path: "/?lang=es"}).Body.String()
	for _, want := range []string{
		"Instituto de la UNESCO para el Aprendizaje a lo Largo de Toda la Vida (UIL)<br>Feldbrunnenstr. 58, 20148 Hamburgo, Alemania",
		"Centro Histórico de la Ciudad de México, México<br><a href=\"https://www.openstreetmap.org/search?query=Historic%20centre%20of%20Mexico%20City%2c%20Mexico\"",
		`<a href="/privacy">Aviso de privacidad</a>`,
	} {
		if !strings.Contains(home, want) {
			t.Errorf("the Spanish home page lacks %q:\n%s", want, home[max(0, strings.Index(home, "openstreetmap")-120):][:300])
		}
	}
	footer := home[strings.Index(home, `<footer`):]
	if strings.Contains(footer, "Germany") || strings.Contains(footer, "Institute") {
		t.Errorf("the footer is still in English: %s", footer)
	}
	w := e.do(t, request{method: "GET", path: "/privacy?lang=fr"})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "<h1>Avis de confidentialité</h1>") || !strings.Contains(w.Body.String(), "Hambourg, Allemagne") {
		t.Errorf("privacy notice: %d\n%.500s", w.Code, w.Body.String())
	}
	form := e.do(t, request{method: "GET", path: "/register?lang=en"}).Body.String()
	if !strings.Contains(form, `href="/privacy"`) {
		t.Error("the form does not link the privacy notice beside the consent")
	}
}

// A live registration's private page offers its calendar file; a
// cancelled one has none (13.5).
func TestCalendarFileFromThePrivatePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	link, ref := e.privateLink(t, with(valid("cal@example.org"), "language", "es"))
	page := e.do(t, request{method: "GET", path: link}).Body.String()
	if !strings.Contains(page, `href="`+link+`/conference.ics">Añadir a mi calendario (.ics)</a>`) {
		t.Errorf("the private page does not offer the calendar:\n%s", page)
	}
	w := e.do(t, request{method: "GET", path: link + "/conference.ics"})
	body := strings.ReplaceAll(w.Body.String(), "\r\n ", "")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/calendar") ||
		!strings.Contains(w.Header().Get("Content-Disposition"), "conference.ics") ||
		!strings.Contains(body, "UID:"+strings.ToLower(ref)+"-conference@iclc.example.org\r\n") ||
		!strings.Contains(body, "DTEND;VALUE=DATE:20151001\r\n") {
		t.Fatalf("calendar: %d %v\n%s", w.Code, w.Header(), body)
	}
	e.do(t, request{method: "POST", path: link + "/cancel", form: url.Values{"confirm": {"1"}}})
	if w := e.do(t, request{method: "GET", path: link + "/conference.ics"}); w.Code != 404 {
		t.Errorf("a cancelled registration's calendar: %d", w.Code)
	}
}
