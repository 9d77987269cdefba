package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"delegate/pdf"
	"delegate/pdf/pdftest"
	"delegate/store"
	"delegate/testtool"
)

// privateLink registers through the API and returns the private path.
func (e *env) privateLink(t *testing.T, fields map[string]any) (string, string) {
	t.Helper()
	reg := e.register(t, fields)
	return strings.TrimPrefix(reg["manage_url"].(string), "https://iclc.example.org"), reg["reference"].(string)
}

func TestDelegateBadgeAndLetter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	link, ref := e.privateLink(t, valid("aminata@example.sn")) // a mayor: needs approval
	e.run(t, []scenario{
		{name: "no badge before approval", req: request{method: "GET", path: link + "/badge.pdf"}, wantStatus: 404},
		{name: "no letter before approval", req: request{method: "GET", path: link + "/letter.pdf"}, wantStatus: 404},
		{name: "page has no links yet", req: request{method: "GET", path: link + "?lang=fr"}, wantStatus: 200,
			notWant: []string{"badge.pdf", "letter.pdf"}},
	})
	if _, err := e.db.ApproveRegistration(ctx, store.System, ref); err != nil {
		t.Fatal(err)
	}
	page := e.do(t, request{method: "GET", path: link + "?lang=fr"}).Body.String()
	if !strings.Contains(page, link+"/badge.pdf") || !strings.Contains(page, link+"/letter.pdf") {
		t.Errorf("private page lacks the document links")
	}

	badge := e.do(t, request{method: "GET", path: link + "/badge.pdf"})
	if badge.Code != 200 || badge.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("badge: %d %s", badge.Code, badge.Header().Get("Content-Type"))
	}
	text := pdftest.OneLine(t, badge.Body.Bytes())
	for _, want := range []string{"H.E.", "Aminata Diop", "Ville de Dakar", "Sénégal", "MAIRE OU DIRIGEANT MUNICIPAL", ref} {
		if !strings.Contains(text, want) {
			t.Errorf("badge lacks %q: %s", want, text)
		}
	}
	r, _ := e.db.FindRegistration(ctx, ref)
	if codes := pdftest.QRCodes(t, badge.Body.Bytes(), "1"); len(codes) != 1 || codes[0] != e.db.CheckinCode(r) {
		t.Errorf("badge QR %v, want %s", codes, e.db.CheckinCode(r))
	}

	letter := e.do(t, request{method: "GET", path: link + "/letter.pdf"})
	if letter.Code != 200 {
		t.Fatalf("letter: %d", letter.Code)
	}
	lt := pdftest.OneLine(t, letter.Body.Bytes())
	for _, want := range []string{"À la Section consulaire de l'Ambassade ou du Consulat du Mexique", "A01234567", "Sénégal", "4 avril 1972",
		"DIOP, AMINATA", "Nom (comme dans le", "Nombre (como en el",
		"Copia en español para el consulado", "A la Sección Consular", "du 28 au 30 septembre 2015", "del 28 al 30 de septiembre de 2015"} {
		if !strings.Contains(lt, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	codes := pdftest.QRCodes(t, letter.Body.Bytes(), "1")
	if len(codes) != 1 || !strings.HasPrefix(codes[0], "https://iclc.example.org/verify/") {
		t.Fatalf("letter QR %v", codes)
	}
	verify := strings.TrimPrefix(codes[0], "https://iclc.example.org")
	e.run(t, []scenario{
		{name: "verify valid", req: request{method: "GET", path: verify + "?lang=en"}, wantStatus: 200,
			want: []string{"Valid", "DIOP, AMINATA", "Senegal", ref}, notWant: []string{"A01234567", "1972"}},
		{name: "verify forged", req: request{method: "GET", path: verify[:len(verify)-2] + "ZZ"}, wantStatus: 404},
	})
	// the delegate changes passport: the old letter is superseded at once,
	// and no new one goes out until an organiser has looked
	if rec := e.do(t, request{method: "POST", path: link + "/edit", form: asForm(with(valid("aminata@example.sn"), "passport_number", "B7654321"))}); rec.Code != 303 {
		t.Fatalf("edit: %d", rec.Code)
	}
	admin := e.login(t, "admin")
	e.run(t, []scenario{
		{name: "old letter superseded", req: request{method: "GET", path: verify + "?lang=es"}, wantStatus: 200,
			want: []string{"Sustituida"}, notWant: []string{"A01234567", "B7654321"}},
		{name: "no letter while it is reviewed", req: request{method: "GET", path: link + "/letter.pdf"}, wantStatus: 404},
		{name: "the delegate is told", req: request{method: "GET", path: link + "?lang=en"}, wantStatus: 200,
			want: []string{"The organisers are reviewing your invitation letter."}, notWant: []string{"letter.pdf"}},
		{name: "the queue shows the change, passport masked", req: request{method: "GET", path: "/admin/letters?lang=en", session: admin},
			wantStatus: 200, want: []string{"To review: issue or refuse (1)", "<del>A0•••••67</del> → <ins>B7••••21</ins>"},
			notWant: []string{"A01234567", "B7654321"}},
		{name: "an organiser issues it", req: request{method: "POST", path: "/admin/registrations/" + ref + "/letter/issue", session: admin},
			wantStatus: 303},
	})
	if lt := pdftest.OneLine(t, e.do(t, request{method: "GET", path: link + "/letter.pdf"}).Body.Bytes()); !strings.Contains(lt, "B7654321") {
		t.Error("the new letter lacks the new passport")
	}
}

func TestDeskBadges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	var refs []string
	for i, name := range [][2]string{{"Zoë", "Zúñiga"}, {"Αικατερίνη", "Αλεξίου"}, {"Олена", "Бондаренко"}, {"Nguyễn Thị", "Hương"}} {
		_, ref := e.privateLink(t, with(valid("desk"+string(rune('a'+i))+"@example.org"), "category", "speaker",
			"given_names", name[0], "family_name", name[1], "hotel", "", "study_visit", ""))
		refs = append(refs, ref)
	}
	_, pending := e.privateLink(t, with(valid("pending@example.org"), "hotel", "", "study_visit", ""))
	desk := e.login(t, "desk")

	one := e.do(t, request{method: "GET", path: "/api/v1/registrations/" + refs[0] + "/badge.pdf?layout=cr80", role: "desk"})
	if one.Code != 200 || !strings.Contains(pdftest.OneLine(t, one.Body.Bytes()), "Zoë Zúñiga") {
		t.Errorf("one CR80 badge: %d", one.Code)
	}
	if rec := e.do(t, request{method: "GET", path: "/api/v1/registrations/" + pending + "/badge.pdf", role: "desk"}); rec.Code != http.StatusConflict {
		t.Errorf("badge of a pending registration: %d, want 409", rec.Code)
	}
	// a GET only shows the batch: a link from elsewhere changes no count
	if rec := e.do(t, request{method: "GET", path: "/admin/badges.pdf?layout=a4-4up", session: desk}); rec.Code != 200 {
		t.Fatalf("batch preview: %d", rec.Code)
	}
	if r, _ := e.db.FindRegistration(ctx, refs[1]); r.BadgePrintedCount != 0 {
		t.Errorf("a GET counted a badge printed %d times", r.BadgePrintedCount)
	}
	batch := e.do(t, request{method: "POST", path: "/admin/badges.pdf", session: desk,
		form: url.Values{"layout": {"a4-4up"}, "printed": {"no"}, "language": {"es"}}})
	if batch.Code != 200 {
		t.Fatalf("batch: %d", batch.Code)
	}
	text := pdftest.OneLine(t, batch.Body.Bytes())
	// the delegates speak French; the sheet is in the language chosen for it
	if !strings.Contains(text, "PONENTE") || strings.Contains(text, "INTERVENANT") {
		t.Errorf("a batch in Spanish: %s", text)
	}
	// ordered by family name: Hương, Zúñiga (Zoë was printed before) — the
	// Latin ones first, then Greek and Cyrillic
	if strings.Contains(text, "Zúñiga") || !strings.Contains(text, "Αικατερίνη Αλεξίου") || !strings.Contains(text, "Олена Бондаренко") ||
		strings.Index(text, "Hương") > strings.Index(text, "Αλεξίου") {
		t.Errorf("batch of unprinted badges: %s", text)
	}
	if codes := pdftest.QRCodes(t, batch.Body.Bytes(), "1"); len(codes) != 3 {
		t.Errorf("batch page 1: %d codes decoded, want 3", len(codes))
	}
	for i, ref := range refs {
		r, _ := e.db.FindRegistration(ctx, ref)
		if r.BadgePrintedCount != 1 {
			t.Errorf("badge %d printed %d times, want 1", i, r.BadgePrintedCount)
		}
	}
	// a lost badge: reissue, and the old code no longer matches
	before, _ := e.db.FindRegistration(ctx, refs[1])
	old := e.db.CheckinCode(before)
	reissue := "/admin/registrations/" + refs[1] + "/reissue-badge"
	ask := e.do(t, request{method: "POST", path: reissue + "?lang=en", session: desk, form: url.Values{}})
	if ask.Code != 200 || !strings.Contains(ask.Body.String(), "stops working at the desk") || !strings.Contains(ask.Body.String(), `name="confirm" value="1"`) {
		t.Fatalf("reissue asks first: %d", ask.Code)
	}
	if r, _ := e.db.FindRegistration(ctx, refs[1]); r.BadgeVersion != before.BadgeVersion {
		t.Fatal("the badge was reissued before the confirmation")
	}
	if rec := e.do(t, request{method: "POST", path: reissue, session: desk, form: url.Values{"confirm": {"1"}}}); rec.Code != 303 {
		t.Fatalf("reissue: %d", rec.Code)
	}
	after, _ := e.db.FindRegistration(ctx, refs[1])
	reprint := e.do(t, request{method: "GET", path: "/admin/registrations/" + refs[1] + "/badge.pdf", session: desk})
	if codes := pdftest.QRCodes(t, reprint.Body.Bytes(), "1"); len(codes) != 1 || codes[0] == old || codes[0] != e.db.CheckinCode(after) {
		t.Errorf("reprinted badge code %v; old %s", codes, old)
	}
	e.run(t, []scenario{
		{name: "badges page", req: request{method: "GET", path: "/admin/badges?lang=en", session: desk}, wantStatus: 200,
			want: []string{"Four A6 on A4, with cut marks", "4 approved delegates"}},
		{name: "letters page", req: request{method: "GET", path: "/admin/letters?lang=en", session: desk}, wantStatus: 200,
			want: []string{"Requested, the registration waiting for approval (1)", "To review: issue or refuse (4)", "Issued (0)"}},
	})
	participants := e.do(t, request{method: "GET", path: "/admin/participants.pdf?lang=fr", session: desk})
	pt := pdftest.OneLine(t, participants.Body.Bytes())
	if !strings.Contains(pt, "Liste des participants") || !strings.Contains(pt, "Sénégal") || !strings.Contains(pt, "Zoë ZÚÑIGA") || strings.Contains(pt, "pending") {
		t.Errorf("participants: %s", pt)
	}
}

func TestNamesBadgesCannotPrintAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	rec := e.do(t, request{method: "POST", path: "/register?lang=en", form: asForm(with(valid("wang@example.cn"),
		"given_names", "伟", "family_name", "王", "country", "CN"))})
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "Please give the name on your badge in Latin letters") ||
		!strings.Contains(rec.Body.String(), `id="badge_name-error"`) {
		t.Errorf("got %d; want the badge name asked in Latin letters", rec.Code)
	}
	rec = e.do(t, request{method: "POST", path: "/register", form: asForm(with(valid("wang@example.cn"),
		"given_names", "伟", "family_name", "王", "badge_name", "Wang Wei", "country", "CN"))})
	if rec.Code != 303 {
		t.Errorf("with a Latin badge name: %d", rec.Code)
	}
}

// TestVerifyALetterFromPaper is a consulate officer with the letter in
// hand: the form, the serial and code typed, the passport number checked
// without ever being shown, refusals, forgeries and the rate limit.
func TestVerifyALetterFromPaper(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 5)
	ctx := context.Background()
	_, ref := e.privateLink(t, valid("consulate@example.sn"))
	if _, err := e.db.ApproveRegistration(ctx, store.System, ref); err != nil {
		t.Fatal(err)
	}
	r, _ := e.db.FindRegistration(ctx, ref)
	l, err := e.db.CurrentLetter(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	short := e.db.LetterShortCode(l.Serial)
	form := func(serial, code, passport string) url.Values {
		return url.Values{"serial": {serial}, "code": {code}, "passport": {passport}}
	}
	e.run(t, []scenario{
		{name: "the form", req: request{method: "GET", path: "/verify?lang=fr"}, wantStatus: 200,
			want: []string{"Numéro de passeport (facultatif)", "Code de vérification", `action="/verify"`}},
		{name: "valid, from paper", req: request{method: "POST", path: "/verify?lang=en", form: form(l.Serial, short, "")}, wantStatus: 200,
			want: []string{"Valid", "DIOP, AMINATA", "Senegal", "28–30 September 2015", l.Serial}, notWant: []string{"A01234567"}},
		{name: "passport matches", req: request{method: "POST", path: "/verify?lang=en", form: form(l.Serial, short, "a0123 4567")}, wantStatus: 200,
			want: []string{"The passport number matches"}, notWant: []string{"A01234567", "a0123 4567"}},
		{name: "passport does not match", req: request{method: "POST", path: "/verify?lang=es", form: form(l.Serial, short, "Z9999999")}, wantStatus: 200,
			want: []string{"no coincide"}, notWant: []string{"A01234567", "Z9999999"}},
		{name: "forged code", req: request{method: "POST", path: "/verify?lang=en", form: form(l.Serial, "AAAA-AAAA", "A01234567")}, wantStatus: 404,
			want: []string{"No letter has this number and code"}, notWant: []string{"Aminata"}},
	})
	// refused by an organiser: the letter says so
	if _, err := e.db.RefuseLetter(ctx, store.System, ref, "Not confirmed."); err != nil {
		t.Fatal(err)
	}
	e.run(t, []scenario{
		{name: "refused", req: request{method: "GET", path: "/verify/" + e.db.LetterCode(l.Serial) + "?lang=fr"}, wantStatus: 200,
			want: []string{"Refusée", "retiré cette lettre"}, notWant: []string{"A01234567"}},
	})
	// the form is rate-limited: five tries a minute here
	last := 0
	for range 3 {
		last = e.do(t, request{method: "POST", path: "/verify", form: form(l.Serial, short, "GUESS1234")}).Code
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("after 8 tries in a minute: %d, want 429", last)
	}
}

// TestCertificateFromThePrivatePage: on the first day, once checked in
// (a badge collected the evening before gives no certificate, nor the
// link to one), the delegate downloads a certificate in their language whose QR the
// verify page confirms; organisers issue in batch and revoke.
func TestCertificateFromThePrivatePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	link, ref := e.privateLink(t, valid("cert@example.sn"))
	e.db.ApproveRegistration(ctx, store.System, ref)
	e.run(t, []scenario{
		{name: "none before the conference", req: request{method: "GET", path: link + "/certificate.pdf"}, wantStatus: 404},
	})
	// the badge collected the evening before: not a day of the conference
	e.clock.Set(time.Date(2015, 9, 27, 23, 0, 0, 0, time.UTC))
	if _, err := e.db.CheckIn(ctx, store.System, store.CheckinRequest{Reference: ref}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Date(2015, 9, 28, 15, 0, 0, 0, time.UTC))
	e.run(t, []scenario{
		{name: "none before checking in", req: request{method: "GET", path: link + "/certificate.pdf"}, wantStatus: 404},
		{name: "no link before checking in on a day of the conference", req: request{method: "GET", path: link}, wantStatus: 200, notWant: []string{"certificate.pdf"}},
	})
	if _, err := e.db.CheckIn(ctx, store.System, store.CheckinRequest{Reference: ref}); err != nil {
		t.Fatal(err)
	}
	if page := e.do(t, request{method: "GET", path: link}).Body.String(); !strings.Contains(page, link+"/certificate.pdf") {
		t.Error("the private page does not offer the certificate")
	}
	cert := e.do(t, request{method: "GET", path: link + "/certificate.pdf"})
	if cert.Code != 200 {
		t.Fatalf("certificate: %d", cert.Code)
	}
	text := pdftest.OneLine(t, cert.Body.Bytes())
	for _, want := range []string{"Certificat de participation", "Aminata Diop", "Jours de présence : 28 septembre 2015", "du 28 au 30 septembre 2015", testSignatory} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate lacks %q: %s", want, text)
		}
	}
	codes := pdftest.QRCodes(t, cert.Body.Bytes(), "1")
	if len(codes) != 1 || !strings.HasPrefix(codes[0], "https://iclc.example.org/verify/C") {
		t.Fatalf("certificate QR %v", codes)
	}
	verify := strings.TrimPrefix(codes[0], "https://iclc.example.org")
	admin := e.login(t, "admin")
	e.run(t, []scenario{
		{name: "the QR verifies", req: request{method: "GET", path: verify + "?lang=en"}, wantStatus: 200,
			want: []string{"Certificate of participation", "Valid", "Aminata Diop", "28 September 2015"}, notWant: []string{"Passport number"}},
		{name: "the organisers' list", req: request{method: "GET", path: "/admin/certificates?lang=en", session: admin}, wantStatus: 200,
			want: []string{"Aminata Diop", "28 September 2015"}},
		{name: "a batch issues none twice", req: request{method: "POST", path: "/admin/certificates?lang=en", session: admin}, wantStatus: 303},
	})
	serial := strings.TrimPrefix(strings.SplitN(verify, "-", 2)[0], "/verify/")
	e.run(t, []scenario{
		{name: "revoke", req: request{method: "POST", path: "/admin/certificates/" + serial + "/revoke", session: admin}, wantStatus: 303},
		{name: "revoked on /verify", req: request{method: "GET", path: verify + "?lang=es"}, wantStatus: 200, want: []string{"Revocado"}},
		{name: "revoked: no download", req: request{method: "GET", path: link + "/certificate.pdf"}, wantStatus: 404},
		{name: "revoked: no link", req: request{method: "GET", path: link}, wantStatus: 200, notWant: []string{"certificate.pdf"}},
	})
}

// needFonts skips on a laptop without the script fonts (Debian's
// fonts-droid-fallback, fonts-nanum, fonts-noto-core) and fails in CI,
// where .ci/run installs them.
func needFonts(t *testing.T) {
	t.Helper()
	if _, missing := pdf.Scripts(); len(missing) > 0 {
		testtool.Missing(t, fmt.Sprintf("fonts for %v", missing), "apt-get install fonts-droid-fallback fonts-nanum fonts-noto-core")
	}
}

// readName is a name as pdftotext gives it back, compared as a reader
// would: presentation forms folded (NFKC) and direction marks dropped.
func readName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x202A && r <= 0x202E || r == 0x200E || r == 0x200F {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
}

// TestEveryScriptOnTheBadge registers delegates whose names are in
// Chinese, Japanese, Korean, Arabic, Hebrew, Thai and Devanagari: their badges and the
// list of participants print the name in its own script next to the
// Latin one, read back exactly; a script no font prints is refused.
func TestEveryScriptOnTheBadge(t *testing.T) {
	t.Parallel()
	needFonts(t)
	e := newEnv(t, 0)
	ctx := context.Background()
	names := []struct{ given, family, latin string }{
		{"伟", "王", "Wang Wei"}, {"陽翔", "佐藤", "Sato Haruto"}, {"민준", "김", "Kim Minjun"},
		{"محمد", "حسن", "Mohamed Hassan"}, {"דוד", "כהן", "David Cohen"}, {"สมชาย", "ใจดี", "Somchai Jaidee"},
		{"अर्जुन", "शर्मा", "Arjun Sharma"}, {"लक्ष्मी", "अय्यर", "Lakshmi Iyer"},
	}
	var refs []string
	for i, n := range names {
		reg := e.register(t, with(valid(fmt.Sprintf("script%d@example.org", i)), "given_names", n.given, "family_name", n.family,
			"badge_name", n.latin, "invitation_letter", false, "hotel", "", "study_visit", ""))
		ref := reg["reference"].(string)
		e.db.ApproveRegistration(ctx, store.System, ref)
		refs = append(refs, ref)
	}
	desk := e.login(t, "desk")
	for _, layout := range pdf.Layouts {
		batch := e.do(t, request{method: "GET", path: "/admin/badges.pdf?layout=" + layout, session: desk})
		text := readName(pdftest.Text(t, batch.Body.Bytes()))
		for _, n := range names {
			r := store.Details{GivenNames: n.given, FamilyName: n.family}
			if !strings.Contains(text, n.latin) || !strings.Contains(text, readName(r.FullName())) {
				t.Errorf("%s badges lack %q or %q:\n%s", layout, n.latin, r.FullName(), text)
			}
		}
	}
	list := readName(pdftest.Text(t, e.do(t, request{method: "GET", path: "/admin/participants.pdf?lang=en", session: desk}).Body.Bytes()))
	if !strings.Contains(list, "王伟") || !strings.Contains(list, "Wang Wei") || !strings.Contains(list, "محمد حسن") {
		t.Errorf("participants lack a name in its own script:\n%s", list)
	}
	rec := e.do(t, request{method: "POST", path: "/api/v1/registrations?lang=en",
		json: with(valid("tamil@example.in"), "given_names", "அருண்", "family_name", "குமார்", "badge_name", "Arun Kumar")})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "cannot print yet") {
		t.Errorf("a Tamil name, which no font here shapes: %d %s", rec.Code, rec.Body.String())
	}
}
