package pdf_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"delegate/pdf"
	"delegate/pdf/pdftest"
)

var (
	Text    = pdftest.Text
	QRCodes = pdftest.QRCodes
)

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var people = []pdf.Badge{
	{Title: "H.E.", Name: "Ndèye Aminata Diop", Organisation: "Ville de Dakar", Country: "Sénégal",
		Category: "Maire ou dirigeant municipal", Colour: "#B22222", Reference: "ICLC-7K3M9P", Code: "ICLC-7K3M9P-1-ABCDEFGHJKLM"},
	// typed decomposed, as some keyboards send it: it must print composed
	{Name: norm.NFD.String("Nguyễn Thị Thu Hương"), Organisation: "Sở Giáo dục và Đào tạo Hà Nội", Country: "Việt Nam",
		Category: "City official", Colour: "#E07B00", Reference: "ICLC-ABC234", Code: "ICLC-ABC234-1-ZZZZZZZZZZZZ"},
	{Name: "Αικατερίνη Παπαδοπούλου-Οικονόμου", Organisation: "Υπουργείο Παιδείας", Country: "Ελλάδα",
		Category: "Member State delegation", Colour: "#1F4E9E", Reference: "ICLC-GRE234", Code: "ICLC-GRE234-2-AAAAAAAAAAAA"},
	{Name: "Олександр Коваленко", Organisation: "Київська міська рада", Country: "Україна",
		Category: "Press", Colour: "#F2C200", Reference: "ICLC-UKR234", Code: "ICLC-UKR234-1-BBBBBBBBBBBB"},
}

func TestBadgesPrintEveryScript(t *testing.T) {
	t.Parallel()
	for _, layout := range pdf.Layouts {
		t.Run(layout, func(t *testing.T) {
			var buf bytes.Buffer
			if err := pdf.WriteBadges(&buf, layout, people); err != nil {
				t.Fatal(err)
			}
			text := oneLine(Text(t, buf.Bytes()))
			for _, b := range people {
				for _, want := range []string{norm.NFC.String(b.Name), b.Country, b.Reference} {
					if !strings.Contains(text, want) {
						t.Errorf("%s badge text lacks %q:\n%s", layout, want, text)
					}
				}
			}
			if !strings.Contains(text, "H.E.") || strings.ContainsAny(text, "\ufffd□?") {
				t.Errorf("title missing or a character printed as a box:\n%s", text)
			}
		})
	}
}

func TestBadgeQRCodesDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		layout string
		badges []pdf.Badge
		want   int
	}{{pdf.A6, people[:1], 1}, {pdf.A4Up4, people, 4}, {pdf.CR80, people[2:3], 1}} {
		var buf bytes.Buffer
		if err := pdf.WriteBadges(&buf, tc.layout, tc.badges); err != nil {
			t.Fatal(err)
		}
		codes := QRCodes(t, buf.Bytes(), "1")
		if len(codes) != tc.want {
			t.Fatalf("%s: decoded %v, want %d codes", tc.layout, codes, tc.want)
		}
		for _, b := range tc.badges {
			found := false
			for _, c := range codes {
				found = found || c == b.Code
			}
			if !found {
				t.Errorf("%s: code %s not decoded (got %v)", tc.layout, b.Code, codes)
			}
		}
	}
}

// longName and longOrg are the longest a delegate may type: an 80-letter
// name and a 200-letter organisation.
var (
	longName = runes("Maria da Conceição Gonçalves de Magalhães Albuquerque e Vasconcelos Bragança Neto Filho", 80)
	longOrg  = runes(strings.Repeat("Secretaría de Educación, Ciencia, Tecnología e Innovación ", 4), 200)
)

// runes is the first n letters of s.
func runes(s string, n int) string { return strings.TrimSpace(string([]rune(s)[:n])) }

// inside checks that every word of doc is inside its page and, when qr is
// set, clear of that box (points, on page 1), and returns the text.
func inside(t *testing.T, what string, doc []byte, qr []float64) string {
	t.Helper()
	words := pdftest.Words(t, doc)
	if len(words) < 10 {
		t.Fatalf("%s: read only %d words", what, len(words))
	}
	var text []string
	for _, w := range words {
		text = append(text, w.Text)
		if !w.Inside(0, 0, w.PageW, w.PageH) {
			t.Errorf("%s: %q leaves page %d (%.1f,%.1f)–(%.1f,%.1f) of %.1f×%.1f", what, w.Text, w.Page, w.XMin, w.YMin, w.XMax, w.YMax, w.PageW, w.PageH)
		}
		if qr != nil && w.Page == 1 && w.Overlaps(qr[0], qr[1], qr[2], qr[3]) {
			t.Errorf("%s: %q lies over the QR code", what, w.Text)
		}
	}
	return strings.Join(text, " ")
}

// mm is millimetres in points.
func mm(v ...float64) []float64 {
	for i := range v {
		v[i] *= 72 / 25.4
	}
	return v
}

// TestNothingIsCutOff writes every document for the longest name and
// organisation: every word stays inside the page (and off the QR code),
// the whole of both is printed, and every QR still decodes.
func TestNothingIsCutOff(t *testing.T) {
	t.Parallel()
	b := pdf.Badge{Title: "H.E.", Name: longName, Organisation: longOrg, Country: "República Bolivariana de Venezuela",
		Category: "Member State delegation and official observers", Colour: "#1F4E9E", Reference: "ICLC-LONG22",
		Code: "ICLC-LONG22-1-CCCCCCCCCCCC", Event: "ICLC 2015", EventName: "Second International Conference on Learning Cities"}
	for _, layout := range pdf.Layouts {
		var buf bytes.Buffer
		if err := pdf.WriteBadges(&buf, layout, []pdf.Badge{b}); err != nil {
			t.Fatal(err)
		}
		qr := map[string][]float64{pdf.A6: mm(37.5, 86, 67.5, 116), pdf.CR80: mm(59.6, 6, 81.6, 28)}[layout]
		text := inside(t, layout, buf.Bytes(), qr)
		if !strings.Contains(text, longName) || !strings.Contains(oneLine(text), oneLine(longOrg)) {
			t.Errorf("%s: the name or the organisation is not printed whole:\n%s", layout, text)
		}
		if codes := QRCodes(t, buf.Bytes(), "1"); len(codes) != 1 || codes[0] != b.Code {
			t.Errorf("%s: QR codes %v", layout, codes)
		}
	}
	var letter bytes.Buffer
	page := pdf.LetterPage{Lang: "en", EventShort: "ICLC 2015", EventName: "Second International Conference on Learning Cities",
		Serial: "Letter no. L000001", Place: "Hamburg, 1 June 2015", To: "To the Consular Section", Subject: "Invitation",
		Opening: "Madam, Sir,", Paragraphs: []string{strings.Repeat("We have the honour to confirm the registration. ", 6)},
		Facts: [][2]string{{"Name", longName}, {"Organisation", longOrg}, {"Job title", longOrg}, {"Passport number", "A01234567"}},
		After: []string{strings.Repeat("The organisers bear the cost of accommodation. ", 4)}, Closing: "Yours faithfully,",
		Signatory: "Test Signatory", SignTitle: "Director", Footer: []string{strings.Repeat("Secretariat, address ", 8)},
		VerifyURL: "https://iclc.example.org/verify/L000001-ABCDEFGHJKLM", VerifyNote: "Check at https://iclc.example.org/verify",
		VerifyCode: "Letter no. L000001 · verification code ABCD-EFGH"}
	if err := pdf.WriteLetter(&letter, []pdf.LetterPage{page}); err != nil {
		t.Fatal(err)
	}
	if text := inside(t, "letter", letter.Bytes(), mm(162, 247, 188, 273)); !strings.Contains(oneLine(text), oneLine(longOrg)) {
		t.Errorf("letter: the organisation is not printed whole:\n%s", text)
	}
	var receipt bytes.Buffer
	if err := pdf.WriteReceipt(&receipt, pdf.Receipt{Title: "Receipt", Event: "Second International Conference on Learning Cities",
		Issuer: []string{"UNESCO Institute for Lifelong Learning", "Feldbrunnenstr. 58", "20148 Hamburg"}, Serial: "Receipt no. 1",
		Date: "Issued on 1 June 2015", Paid: "PAID · by card, online, on 1 June 2015",
		Payer: [][2]string{{"Received from", longName}, {"Organisation", longOrg}}, Lines: [][2]string{{"For", "Registration fee"}},
		Amount: "Total paid: USD 150.00", Note: strings.Repeat("This receipt is issued by the secretariat. ", 3),
		Footer: []string{strings.Repeat("Secretariat, address ", 8)}}); err != nil {
		t.Fatal(err)
	}
	if text := inside(t, "receipt", receipt.Bytes(), nil); !strings.Contains(oneLine(text), oneLine(longOrg)) || !strings.Contains(text, longName) {
		t.Errorf("receipt: the name or organisation is not printed whole:\n%s", text)
	}
	var cert bytes.Buffer
	if err := pdf.WriteCertificate(&cert, pdf.CertificatePage{Lang: "en", EventShort: "ICLC 2015", EventName: longOrg,
		Organiser: longOrg, Title: "Certificate of participation", Certify: "This is to certify that", Name: longName,
		Attended: "took part in the " + longOrg, Days: "Days attended: 28 September 2015 · 29 September 2015 · 30 September 2015",
		Place: "Mexico City, 30 September 2015", Signatory: "Test Signatory", SignTitle: longOrg,
		VerifyURL: "https://iclc.example.org/verify/C000001-ABCDEFGHJKLM", VerifyNote: "Check at https://iclc.example.org/verify",
		VerifyCode: "Certificate no. C000001 · verification code ABCD-EFGH"}); err != nil {
		t.Fatal(err)
	}
	if text := inside(t, "certificate", cert.Bytes(), mm(245, 162, 269, 186)); !strings.Contains(text, longName) {
		t.Errorf("certificate: the name is not printed whole:\n%s", text)
	}
	if codes := QRCodes(t, cert.Bytes(), "1"); len(codes) != 1 {
		t.Errorf("certificate QR codes %v", codes)
	}
	var list bytes.Buffer
	if err := pdf.WriteParticipants(&list, pdf.ParticipantList{Title: "List of participants", Page: "Page %d",
		Groups: []pdf.CountryGroup{{Country: "Venezuela", Participants: []pdf.Participant{{Title: "H.E.", Name: longName,
			JobTitle: longOrg, Organisation: longOrg}}}}}); err != nil {
		t.Fatal(err)
	}
	if text := inside(t, "participants", list.Bytes(), nil); !strings.Contains(text, longName) {
		t.Errorf("participants: the name is not printed whole:\n%s", text)
	}
}

func TestLetterInTwoLanguages(t *testing.T) {
	t.Parallel()
	page := pdf.LetterPage{Lang: "fr", EventShort: "ICLC 2015", EventName: "Deuxième Conférence internationale sur les villes apprenantes",
		Serial: "Lettre n° L000007 · inscription ICLC-7K3M9P", Place: "Hambourg, le 3 juin 2015", To: "À la Section consulaire",
		Subject: "Objet : invitation", Opening: "Madame, Monsieur,", Paragraphs: []string{"Nous avons l'honneur de confirmer…"},
		Facts: [][2]string{{"Nom", "Ndèye Aminata Diop"}, {"Numéro de passeport", "A01234567"}}, Closing: "Veuillez agréer…",
		SignTitle: "Directeur", Footer: []string{"UIL, Feldbrunnenstr. 58, 20148 Hamburg"}, VerifyURL: "https://iclc.example.org/verify/L000007-ABCDEFGHJKLM",
		VerifyNote: "Vérifier sur iclc.example.org/verify"}
	es := page
	es.Lang, es.Copy, es.Subject = "es", "Copia en español para el consulado", "Asunto: invitación"
	var buf bytes.Buffer
	if err := pdf.WriteLetter(&buf, []pdf.LetterPage{page, es}); err != nil {
		t.Fatal(err)
	}
	text := Text(t, buf.Bytes())
	for _, want := range []string{"Objet : invitation", "A01234567", "Ndèye Aminata Diop", "Copia en español para el consulado", "Asunto: invitación", "Hambourg, le 3 juin 2015"} {
		if !strings.Contains(text, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	if codes := QRCodes(t, buf.Bytes(), "1"); len(codes) != 1 || codes[0] != page.VerifyURL {
		t.Errorf("letter QR: %v", codes)
	}
}

func TestParticipantsGroupedByCountry(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	list := pdf.ParticipantList{Title: "Liste des participants", Page: "page %d", Groups: []pdf.CountryGroup{
		{Country: "Grèce", Participants: []pdf.Participant{{Name: "Ελένη ΠΑΠΑΔΟΠΟΥΛΟΥ", JobTitle: "Conseillère", Organisation: "Ministère"}}},
		{Country: "Sénégal", Participants: []pdf.Participant{{Title: "S.E.", Name: "Aminata DIOP", JobTitle: "Maire adjointe", Organisation: "Ville de Dakar"}}},
	}}
	if err := pdf.WriteParticipants(&buf, list); err != nil {
		t.Fatal(err)
	}
	text := Text(t, buf.Bytes())
	g, s := strings.Index(text, "Grèce"), strings.Index(text, "Sénégal")
	if g < 0 || s < g || !strings.Contains(text, "S.E. Aminata DIOP") || !strings.Contains(text, "Ελένη ΠΑΠΑΔΟΠΟΥΛΟΥ") || !strings.Contains(text, "page 1") {
		t.Errorf("participants text:\n%s", text)
	}
}

// TestDocumentsAtOnce writes documents at the same time, as the server
// does for two desks: with -race (go test -race ./pdf/, as .ci/run does)
// it fails if documents share anything they write to. gofpdf pads font
// tables by appending to slices of the font bytes it is given.
func TestDocumentsAtOnce(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			var buf bytes.Buffer
			if i%2 == 0 {
				errs[i] = pdf.WriteBadges(&buf, pdf.A6, people[:1])
			} else {
				errs[i] = pdf.WriteParticipants(&buf, pdf.ParticipantList{Title: "List of participants", Page: "Page %d",
					Groups: []pdf.CountryGroup{{Country: "Sénégal", Participants: []pdf.Participant{{Name: "Aminata DIOP"}}}}})
			}
			if errs[i] == nil && !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				errs[i] = fmt.Errorf("document %d is not a PDF", i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
