package pdf_test

import (
	"bytes"
	"fmt"
	"os/exec"
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
	tool    = pdftest.Tool
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

func TestLongNamesShrinkAndNeverOverflow(t *testing.T) {
	t.Parallel()
	long := pdf.Badge{Name: "Maria da Conceição Gonçalves de Magalhães", Organisation: strings.Repeat("Organisation ", 20),
		Country: "Brasil", Category: "Academia", Colour: "#7B3FA0", Reference: "ICLC-LONG22", Code: "ICLC-LONG22-1-CCCCCCCCCCCC"}
	var buf bytes.Buffer
	if err := pdf.WriteBadges(&buf, pdf.A6, []pdf.Badge{long}); err != nil {
		t.Fatal(err)
	}
	text := oneLine(Text(t, buf.Bytes()))
	if !strings.Contains(text, long.Name) {
		t.Errorf("long name not printed whole: %s", text)
	}
	// pdftotext -bbox gives every word's box: none may leave the page
	cmd := exec.Command(tool(t, "pdftotext"), "-bbox", "-", "-")
	cmd.Stdin = bytes.NewReader(buf.Bytes())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	words := 0
	for _, line := range strings.Split(string(out), "\n") {
		i := strings.Index(line, "xMin=")
		if !strings.Contains(line, "<word") || i < 0 {
			continue
		}
		var xMin, yMin, xMax, yMax float64
		if _, err := fmt.Sscanf(line[i:], `xMin="%f" yMin="%f" xMax="%f" yMax="%f"`, &xMin, &yMin, &xMax, &yMax); err != nil {
			t.Fatalf("read %q: %v", line, err)
		}
		words++
		// A6 is 297.6 × 419.5 points
		if xMin < 0 || xMax > 297.7 || yMin < 0 || yMax > 419.6 {
			t.Errorf("a word leaves the A6 page: %s", line)
		}
	}
	if words < 10 {
		t.Errorf("read only %d words' boxes", words)
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
