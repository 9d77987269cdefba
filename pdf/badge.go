package pdf

import (
	"fmt"
	"io"
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// Badge is what one badge shows.
type Badge struct {
	Title        string // printed only when it is protocol, e.g. "H.E."
	Name         string
	Organisation string
	Country      string
	Category     string
	Colour       string // #RRGGBB of the category band
	Reference    string
	Code         string // the check-in code in the QR
	Event        string // the conference's short name
	EventName    string
}

// Layouts of a badge print job.
const (
	A6    = "a6"     // one A6 badge a page
	A4Up4 = "a4-4up" // four A6 badges on an A4 sheet, with cut marks
	CR80  = "cr80"   // an ID card, 85.6 × 54 mm
)

// Layouts lists the layouts.
var Layouts = []string{A6, A4Up4, CR80}

// WriteBadges writes badges as one print job in layout.
func WriteBadges(w io.Writer, layout string, badges []Badge) error {
	codes := make([]string, len(badges))
	for i, b := range badges {
		codes[i] = b.Code
	}
	qrs, err := qrBitmaps(codes)
	if err != nil {
		return err
	}
	var f *gofpdf.Fpdf
	switch layout {
	case A6:
		f = newDoc(105, 148)
		for i, b := range badges {
			f.AddPage()
			drawA6(f, b, qrs[i], 0, 0)
		}
	case A4Up4:
		f = newDoc(210, 297)
		for i, b := range badges {
			if i%4 == 0 {
				f.AddPage()
				cutMarks(f)
			}
			drawA6(f, b, qrs[i], float64(i%2)*105, float64(i%4/2)*148.5)
		}
	case CR80:
		f = newDoc(85.6, 54)
		for i, b := range badges {
			f.AddPage()
			drawCard(f, b, qrs[i])
		}
	default:
		return fmt.Errorf("unknown layout %q", layout)
	}
	if len(badges) == 0 {
		f.AddPage()
	}
	if err := f.Error(); err != nil {
		return err
	}
	return f.Output(w)
}

// cutMarks draws where to cut an A4 sheet into four A6 badges.
func cutMarks(f *gofpdf.Fpdf) {
	f.SetDrawColor(120, 120, 120)
	f.SetLineWidth(0.2)
	for _, x := range []float64{105} {
		f.Line(x, 2, x, 8)
		f.Line(x, 289, x, 295)
		f.Line(x, 145.5, x, 151.5)
	}
	for _, y := range []float64{148.5} {
		f.Line(2, y, 8, y)
		f.Line(202, y, 208, y)
		f.Line(102, y, 108, y)
	}
}

// nameLines fits a name into width: one line as large as it goes, else two.
func nameLines(f *gofpdf.Fpdf, name string, width, max float64) ([]string, float64) {
	if size := fit(f, name, "B", width, max, 16); size > 0 {
		return []string{name}, size
	}
	words := strings.Fields(name)
	best, bestSize := []string{name}, 0.0
	for i := 1; i < len(words); i++ {
		a, b := strings.Join(words[:i], " "), strings.Join(words[i:], " ")
		sa, sb := fit(f, a, "B", width, max, 8), fit(f, b, "B", width, max, 8)
		if s := min(sa, sb); s > bestSize {
			best, bestSize = []string{a, b}, s
		}
	}
	if bestSize == 0 { // one long word: shrink until it fits
		bestSize = fit(f, name, "B", width, max, 4)
	}
	return best, bestSize
}

func centred(f *gofpdf.Fpdf, text string, x, y, width float64) {
	f.Text(x+(width-f.GetStringWidth(text))/2, y, text)
}

// drawA6 draws one A6 badge with its top left corner at (x, y).
func drawA6(f *gofpdf.Fpdf, b Badge, qr [][]bool, x, y float64) {
	const w, h, pad = 105.0, 148.0, 8.0
	inner := w - 2*pad
	// header: the conference
	f.SetTextColor(11, 95, 107)
	f.SetFont(font, "B", 11)
	centred(f, clean(b.Event), x, y+14, w)
	f.SetFont(font, "", 7.5)
	f.SetTextColor(90, 90, 90)
	if size := fit(f, clean(b.EventName), "", inner, 7.5, 5); size > 0 {
		centred(f, clean(b.EventName), x, y+19, w)
	}
	// the name, large
	f.SetTextColor(0, 0, 0)
	top := y + 40.0
	if t := clean(b.Title); t != "" {
		f.SetFont(font, "", 12)
		centred(f, t, x, top, w)
		top += 6
	}
	lines, size := nameLines(f, clean(b.Name), inner, 30)
	f.SetFont(font, "B", size)
	lineH := size * 0.3528 * 1.15 // points to mm, with leading
	for _, l := range lines {
		top += lineH
		centred(f, l, x, top, w)
	}
	// organisation (up to two lines) and country
	top += 9
	f.SetFont(font, "", 11)
	org := f.SplitText(clean(b.Organisation), inner)
	if len(org) > 2 {
		f.SetFont(font, "", 9)
		org = f.SplitText(clean(b.Organisation), inner)
		if len(org) > 2 {
			org = org[:2]
		}
	}
	for _, l := range org {
		centred(f, l, x, top, w)
		top += 5
	}
	f.SetFont(font, "B", 11)
	centred(f, clean(b.Country), x, top+1.5, w)
	// QR and reference
	const side = 30.0
	drawQR(f, qr, x+(w-side)/2, y+h-26-side-6, side)
	f.SetFont(font, "", 8)
	f.SetTextColor(60, 60, 60)
	centred(f, b.Reference, x, y+h-26-2, w)
	// category band
	r, g, bl := rgb(b.Colour)
	f.SetFillColor(r, g, bl)
	f.Rect(x, y+h-22, w, 22, "F")
	if light(r, g, bl) {
		f.SetTextColor(0, 0, 0)
	} else {
		f.SetTextColor(255, 255, 255)
	}
	cat := strings.ToUpper(clean(b.Category))
	if size := fit(f, cat, "B", inner, 16, 7); size > 0 {
		f.SetFont(font, "B", size)
	}
	centred(f, cat, x, y+h-9, w)
}

// drawCard draws a CR80 card: details on the left, the QR on the right,
// the category band along the bottom.
func drawCard(f *gofpdf.Fpdf, b Badge, qr [][]bool) {
	const w, h, pad, side = 85.6, 54.0, 4.0, 22.0
	text := w - 2*pad - side - 3
	f.SetTextColor(11, 95, 107)
	f.SetFont(font, "B", 7)
	f.Text(pad, pad+3, clean(b.Event))
	f.SetTextColor(0, 0, 0)
	top := pad + 9.0
	if t := clean(b.Title); t != "" {
		f.SetFont(font, "", 7)
		f.Text(pad, top, t)
		top += 4
	}
	lines, size := nameLines(f, clean(b.Name), text, 15)
	f.SetFont(font, "B", size)
	for _, l := range lines {
		top += size * 0.3528 * 1.1
		f.Text(pad, top, l)
	}
	f.SetFont(font, "", 7)
	org := f.SplitText(clean(b.Organisation), text)
	if len(org) > 2 {
		org = org[:2]
	}
	for _, l := range org {
		top += 3.5
		f.Text(pad, top, l)
	}
	f.SetFont(font, "B", 7)
	f.Text(pad, top+4, clean(b.Country))
	drawQR(f, qr, w-pad-side, pad+2, side)
	f.SetFont(font, "", 5.5)
	f.SetTextColor(60, 60, 60)
	centred(f, b.Reference, w-pad-side, pad+side+4, side)
	r, g, bl := rgb(b.Colour)
	f.SetFillColor(r, g, bl)
	f.Rect(0, h-9, w, 9, "F")
	if light(r, g, bl) {
		f.SetTextColor(0, 0, 0)
	} else {
		f.SetTextColor(255, 255, 255)
	}
	cat := strings.ToUpper(clean(b.Category))
	if size := fit(f, cat, "B", w-2*pad, 9, 5); size > 0 {
		f.SetFont(font, "B", size)
	}
	f.Text(pad, h-3, cat)
}
