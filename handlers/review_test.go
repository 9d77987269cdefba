package handlers_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"delegate/handlers"
	"delegate/store"
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

// Declining many asks for the reason and a second press that names the
// count; nothing changes before it (13.7).
func TestBulkDeclineAsksReasonAndCount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	_, a := e.privateLink(t, with(valid("bulk-a@example.org"), "family_name", "Abara"))
	_, b := e.privateLink(t, with(valid("bulk-b@example.org"), "family_name", "Bello"))
	admin := e.login(t, "admin")
	ask := e.do(t, request{method: "POST", path: "/admin/registrations/bulk?lang=en", session: admin,
		form: url.Values{"action": {"reject"}, "ref": {a, b}, "reason": {""}}})
	page := ask.Body.String()
	if ask.Code != 200 || !strings.Contains(page, "<h1>Decline 2 registrations?</h1>") || !strings.Contains(page, "Abara, Aminata ("+a+")") ||
		!strings.Contains(page, ">Decline 2 registrations</button>") || !strings.Contains(page, `<textarea id="reason" name="reason"`) {
		t.Fatalf("the first press: %d\n%s", ask.Code, page)
	}
	still := func() {
		t.Helper()
		for _, ref := range []string{a, b} {
			if r, _ := e.db.FindRegistration(ctx, ref); r.Status != store.StatusPending {
				t.Fatalf("%s is %s before the confirmation", ref, r.Status)
			}
		}
	}
	still()
	form := url.Values{"action": {"reject"}, "ref": {a, b}, "confirm": {"1"}, "reason": {"  "}}
	if w := e.do(t, request{method: "POST", path: "/admin/registrations/bulk?lang=en", session: admin, form: form}); w.Code != 422 ||
		!strings.Contains(w.Body.String(), `id="reason-error"`) {
		t.Fatalf("confirmed without a reason: %d", w.Code)
	}
	still()
	form.Set("reason", "The category is for city officials only.")
	if w := e.do(t, request{method: "POST", path: "/admin/registrations/bulk?lang=en", session: admin, form: form}); w.Code != 303 {
		t.Fatalf("confirmed: %d", w.Code)
	}
	for _, ref := range []string{a, b} {
		if r, _ := e.db.FindRegistration(ctx, ref); r.Status != store.StatusRejected {
			t.Errorf("%s is %s after the confirmation", ref, r.Status)
		}
	}
}

// The registrations list offers "select all on this page" and its bulk
// buttons above the table as well as below; the box works without
// script (13.9).
func TestSelectAllOnThisPageAndButtonsAbove(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	_, a := e.privateLink(t, valid("page-a@example.org"))
	_, b := e.privateLink(t, valid("page-b@example.org"))
	admin := e.login(t, "admin")
	list := e.do(t, request{method: "GET", path: "/admin/registrations?lang=en", session: admin}).Body.String()
	table := strings.Index(list, `<table class="list">`)
	top := strings.Index(list, `name="page" data-select-page`)
	if top < 0 || top > table || !strings.Contains(list[:table], `value="approve"`) || !strings.Contains(list[table:], `value="approve"`) {
		t.Fatalf("the select-all box and the buttons are not above the table (box at %d, table at %d)", top, table)
	}
	shown := regexp.MustCompile(`name="shown" value="([^"]*)"`).FindStringSubmatch(list)
	if shown == nil || !strings.Contains(shown[1], a) || !strings.Contains(shown[1], b) {
		t.Fatalf("the page's rows are not in the form: %v", shown)
	}
	w := e.do(t, request{method: "POST", path: "/admin/registrations/bulk", session: admin,
		form: url.Values{"action": {"approve"}, "page": {"on"}, "shown": {shown[1]}, "back": {"/admin/registrations"}}})
	if w.Code != 303 {
		t.Fatalf("approve the page: %d", w.Code)
	}
	for _, ref := range []string{a, b} {
		if r, _ := e.db.FindRegistration(ctx, ref); r.Status != store.StatusApproved {
			t.Errorf("%s is %s", ref, r.Status)
		}
	}
}

// Cancelling a registration asks first, naming the delegate; saving new
// dates first says how many delegates are emailed and letters reissued,
// and saves on the second press (13.7).
func TestIrreversibleActionsAskFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	_, ref := e.privateLink(t, with(valid("ask@example.org"), "family_name", "Okafor"))
	admin := e.login(t, "admin")
	cancel := "/admin/registrations/" + ref + "/cancel"
	ask := e.do(t, request{method: "POST", path: cancel + "?lang=en", session: admin, form: url.Values{"reason": {"Asked by phone"}}})
	page := ask.Body.String()
	if ask.Code != 200 || !strings.Contains(page, "<h1>Cancel the registration of ") || !strings.Contains(page, ref+")?</h1>") ||
		!strings.Contains(page, `name="reason" value="Asked by phone"`) {
		t.Fatalf("cancel asks first: %d\n%s", ask.Code, page)
	}
	if r, _ := e.db.FindRegistration(ctx, ref); r.Status != store.StatusPending {
		t.Fatalf("cancelled before the confirmation: %s", r.Status)
	}
	if w := e.do(t, request{method: "POST", path: cancel, session: admin, form: url.Values{"reason": {"Asked by phone"}, "confirm": {"1"}}}); w.Code != 303 {
		t.Fatalf("confirmed cancel: %d", w.Code)
	}
	if r, _ := e.db.FindRegistration(ctx, ref); r.Status != store.StatusCancelled || r.StatusReason != "Asked by phone" {
		t.Errorf("after the confirmation: %s %q", r.Status, r.StatusReason)
	}

	e.privateLink(t, valid("live@example.org"))
	form := formFromPage(t, e.do(t, request{method: "GET", path: "/admin/settings?lang=en", session: admin}).Body.String())
	form.Set("start_date", "2015-10-05")
	form.Set("end_date", "2015-10-07")
	first := e.do(t, request{method: "POST", path: "/admin/settings?lang=en", session: admin, form: form})
	if first.Code != 200 || !strings.Contains(first.Body.String(), "saving will email 1 delegates and reissue 0 invitation letters") ||
		!strings.Contains(first.Body.String(), `value="2015-10-05"`) {
		t.Fatalf("new dates ask first: %d\n%s", first.Code, clip(first.Body.String()))
	}
	if e.db.Settings().StartDate != "2015-09-28" {
		t.Fatal("the dates were saved on the first press")
	}
	form.Set("confirm", "dates")
	if w := e.do(t, request{method: "POST", path: "/admin/settings", session: admin, form: form}); w.Code != 303 || e.db.Settings().StartDate != "2015-10-05" {
		t.Errorf("second press: %d, start %s", w.Code, e.db.Settings().StartDate)
	}
}

// Without an SMTP server the mail page and the dashboard say that messages
// are kept and not sent; a message's frame is as tall as the message, and
// opens on its own (13.10).
func TestMailOffBannerAndWholeMessage(t *testing.T) {
	t.Parallel()
	off := newEnvWith(t, func(d *handlers.Deps) { d.MailOff = true })
	on := newEnv(t, 0)
	for _, e := range []*env{off, on} {
		admin := e.login(t, "admin")
		for _, path := range []string{"/admin/mail?lang=en", "/admin?lang=en"} {
			page := e.do(t, request{method: "GET", path: path, session: admin}).Body.String()
			if has := strings.Contains(page, "messages are kept here and not sent"); has != (e == off) {
				t.Errorf("%s with mail off %v: banner %v", path, e == off, has)
			}
		}
	}
	e := on
	admin := e.login(t, "admin")
	e.privateLink(t, valid("long@example.org"))
	body := strings.Repeat("A line of the programme, long enough to read as a sentence of its own.\n", 120)
	texts := map[string]store.MessageText{}
	for _, l := range store.Languages {
		texts[l] = store.MessageText{Subject: "Programme", Body: body}
	}
	if _, _, err := e.db.SendCampaign(context.Background(), store.System, store.Filter{}, texts); err != nil {
		t.Fatal(err)
	}
	msgs, _ := e.db.FindOutbox(context.Background(), store.OutboxFilter{})
	var id int64
	for _, m := range msgs {
		if m.Kind == store.MailMessage {
			id = m.ID
		}
	}
	page := e.do(t, request{method: "GET", path: "/admin/mail/" + strconv.FormatInt(id, 10) + "?lang=en", session: admin}).Body.String()
	m := regexp.MustCompile(`class="mailframe" height="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no frame height:\n%s", clip(page))
	}
	if h, _ := strconv.Atoi(m[1]); h < 120*26 {
		t.Errorf("a message of 120 lines in a frame %d px tall", h)
	}
	if !strings.Contains(page, `href="/admin/mail/`+strconv.FormatInt(id, 10)+`/html" target="_blank"`) {
		t.Error("the message does not open on its own")
	}
}

// The desk's search shows status, organisation and country on each row
// and offers no check-in or print for a cancelled or declined one; a
// forced check-in of one is refused in words; a desk user facing a fee is
// told where to send the delegate, a finance user gets the button (13.13).
func TestDeskSearchRowsAndRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	_, gone := e.privateLink(t, with(valid("gone@example.org"), "family_name", "Zamora", "organisation", "Ciudad de Quito", "country", "EC"))
	_, owes := e.privateLink(t, with(valid("owes@example.org"), "family_name", "Zamudio", "category", "city_official", "gnlc", ""))
	if _, err := e.db.CancelRegistration(ctx, store.System, gone, "Withdrew"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ApproveRegistration(ctx, store.System, owes); err != nil {
		t.Fatal(err)
	}
	desk, admin, finance := e.login(t, "desk"), e.login(t, "admin"), e.login(t, "finance")
	page := e.do(t, request{method: "GET", path: "/admin/checkin?q=zam&lang=en", session: desk}).Body.String()
	rows := regexp.MustCompile(`(?s)<li><span class="who">.*?</li>`).FindAllString(page, -1)
	if len(rows) != 2 {
		t.Fatalf("%d rows found:\n%s", len(rows), page)
	}
	for _, row := range rows {
		switch {
		case strings.Contains(row, gone):
			if !strings.Contains(row, "Cancelled") || !strings.Contains(row, "Ciudad de Quito · Ecuador") ||
				strings.Contains(row, `name="reference"`) || strings.Contains(row, "badge.pdf") {
				t.Errorf("the cancelled row: %s", row)
			}
		case strings.Contains(row, owes):
			if !strings.Contains(row, `name="reference"`) || !strings.Contains(row, "badge.pdf") {
				t.Errorf("the approved row offers no check-in or print: %s", row)
			}
		}
	}
	w := e.do(t, request{method: "POST", path: "/admin/checkin?lang=en", session: admin, form: url.Values{"reference": {gone}, "force": {"1"}}})
	if w.Code != 409 || !strings.Contains(w.Body.String(), "This registration is cancelled: the delegate cannot be checked in.") ||
		strings.Contains(w.Body.String(), "Check in anyway</button>") {
		t.Errorf("forced check-in of a cancelled registration: %d\n%s", w.Code, clip(w.Body.String()))
	}
	if r, _ := e.db.FindRegistration(ctx, gone); r.CheckedInAt != nil {
		t.Error("a cancelled registration was checked in")
	}
	w = e.do(t, request{method: "POST", path: "/admin/checkin?lang=en", session: desk, form: url.Values{"reference": {owes}}})
	if w.Code != 409 || !strings.Contains(w.Body.String(), "Send the delegate to the finance desk") || strings.Contains(w.Body.String(), `name="paid"`) {
		t.Errorf("a fee due at a desk user's desk: %d", w.Code)
	}
	w = e.do(t, request{method: "POST", path: "/admin/checkin?lang=en", session: finance, form: url.Values{"reference": {owes}}})
	if w.Code != 409 || strings.Contains(w.Body.String(), "Send the delegate to the finance desk") || !strings.Contains(w.Body.String(), `name="paid"`) {
		t.Errorf("a fee due at a finance user's desk: %d", w.Code)
	}
}

// The registration page speaks to the organiser: its own headings, the
// fee once, each reason labelled for what it does, the history in words in
// the page's language; it emails the private link again, downloads the
// letter and shows the page as the delegate sees it (13.8).
func TestAdminRegistrationPageForTheOrganiser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	link, ref := e.privateLink(t, with(valid("organiser-view@example.org"), "language", "fr"))
	_, owes := e.privateLink(t, with(valid("owes-fee@example.org"), "category", "city_official", "gnlc", ""))
	if _, err := e.db.ApproveRegistration(ctx, store.System, ref); err != nil {
		t.Fatal(err)
	}
	admin := e.login(t, "admin")
	base := "/admin/registrations/" + ref
	page := e.do(t, request{method: "GET", path: base + "?lang=es", session: admin}).Body.String()
	for _, want := range []string{"<h2>Datos de la inscripción</h2>", "Motivo del rechazo, enviado a la persona", "Motivo de la cancelación, enviado a la persona",
		"Aprobada · Estado: Pendiente de aprobación → Aprobada", "la persona inscrita</span><br>Inscripción recibida",
		`action="` + base + `/send-link"`, `href="` + base + `/letter.pdf"`, `href="` + base + `/as-delegate"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the Spanish registration page lacks %q", want)
		}
	}
	if strings.Contains(page, "Sus datos") || strings.Contains(page, "registration.approved") {
		t.Error("the page speaks to the delegate or shows raw history")
	}
	fee := e.do(t, request{method: "GET", path: "/admin/registrations/" + owes + "?lang=en", session: e.login(t, "finance")}).Body.String()
	if !strings.Contains(fee, "<dt>Name on badge</dt>") || strings.Contains(fee, "your badge") || strings.Contains(fee, "I would like") {
		t.Error("the organiser's page speaks to the delegate")
	}
	if n := strings.Count(fee, "USD 100.00"); n != 1 { // the early-bird fee, in June
		t.Errorf("the fee shows %d times: %s", n, regexp.MustCompile(`(?s)<dt>Fee</dt><dd>.{0,80}`).FindString(fee))
	}
	if w := e.do(t, request{method: "GET", path: base + "/letter.pdf", session: admin}); w.Code != 200 || !strings.HasPrefix(w.Body.String(), "%PDF") {
		t.Errorf("the letter for the organiser: %d", w.Code)
	}
	if w := e.do(t, request{method: "POST", path: base + "/send-link", session: admin, form: url.Values{}}); w.Code != 303 {
		t.Fatalf("send the link: %d", w.Code)
	}
	msgs, _ := e.db.FindOutbox(ctx, store.OutboxFilter{})
	sent := false
	for _, m := range msgs {
		sent = sent || m.Kind == store.MailLink && m.To == "organiser-view@example.org"
	}
	if !sent {
		t.Error("no link message queued")
	}
	view := e.do(t, request{method: "GET", path: base + "/as-delegate?lang=en", session: admin})
	body := view.Body.String()
	token := strings.TrimPrefix(link, "/r/")
	if view.Code != 200 || !strings.Contains(body, "<h1>Votre inscription</h1>") || strings.Contains(body, token) ||
		strings.Contains(body, "/edit\"") || strings.Contains(body, "/cancel\"") {
		t.Errorf("as the delegate sees it: %d\n%s", view.Code, clip(body))
	}
}
