package pdf

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// Badge is what one badge shows.
type Badge struct {
	Title        string // printed only when it is protocol, e.g. "H.E."
	Name         string
	Native       string // the name in its own script, under the Latin one; may be empty
	Organisation string
	Country      string
	Category     string
	Colour       string // #RRGGBB of the category band
	Reference    string
	Code         string // the check-in code in the QR
	Event        string // the conference's short name
	EventName    string
	// Photo is the delegate's photo (a JPEG), printed beside the QR where
	// security asks for one.
	Photo []byte
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
	// one line when it stays large; else two, three, balanced by the font
	if size := fit(f, name, "B", width, max, max*0.55); size > 0 {
		return []string{name}, size
	}
	if lines, size := twoLines(f, name, width, max, max*0.35); size > 0 {
		return lines, size
	}
	return wrapFit(f, name, "B", width, max*0.5, max*0.25, 3)
}

// twoLines splits name at the space that lets both halves be largest, or
// returns size 0 when no split reaches min.
func twoLines(f *gofpdf.Fpdf, name string, width, max, min float64) ([]string, float64) {
	words := strings.Fields(name)
	best, bestSize := []string(nil), 0.0
	for i := 1; i < len(words); i++ {
		a, b := strings.Join(words[:i], " "), strings.Join(words[i:], " ")
		sa, sb := fit(f, a, "B", width, max, min), fit(f, b, "B", width, max, min)
		if s := math.Min(sa, sb); s > bestSize {
			best, bestSize = []string{a, b}, s
		}
	}
	return best, bestSize
}

// identity is how a badge sets the name and the organisation: the name
// from nameMax down by step, the organisation at orgRatio of the name's
// size (at most orgMax, at least orgMin, on orgLines lines), both shrunk
// together until they fit the height left.
type identity struct {
	width                    float64
	nameMax, nameMin, step   float64
	orgMax, orgRatio, orgMin float64
	orgLines                 int
	gaps                     float64 // the space between and after them, the country's line
}

func (id identity) fit(f *gofpdf.Fpdf, b Badge, height float64) (name, native, org block) {
	for max := id.nameMax; ; max -= id.step {
		name = nameBlock(f, clean(b.Name), id.width, max)
		native = nativeBlock(f, b.Native, id.width, max*0.8, max*0.35)
		org = textBlock(f, clean(b.Organisation), "", id.width, math.Min(id.orgMax, max*id.orgRatio), id.orgMin, id.orgLines)
		if name.height()+native.height()+org.height()+id.gaps <= height || max-id.step < id.nameMin {
			return name, native, org
		}
	}
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
	// the name, large, then the organisation and the country: shrunk
	// together until they fit above the QR
	const side = 30.0
	f.SetTextColor(0, 0, 0)
	top := y + 40.0
	if t := clean(b.Title); t != "" {
		f.SetFont(font, "", 12)
		centred(f, t, x, top, w)
		top += 6
	}
	name, native, org := identity{width: inner, nameMax: 30, nameMin: 8, step: 2, orgMax: 11, orgRatio: 0.45, orgMin: 5.5,
		orgLines: 3, gaps: 4 + 6}.fit(f, b, y+h-26-side-8-top)
	top = drawBlock(f, name, x, top, w)
	top = drawBlock(f, native, x, top, w) + 4
	top = drawBlock(f, org, x, top, w)
	f.SetFont(font, "B", 11)
	centred(f, clean(b.Country), x, top+4.5, w)
	// QR and reference; with a photo, the photo on the left and the QR
	// on the right
	qrX := x + (w-side)/2
	if photo(f, b, x+pad+2, y+h-26-side-8, side*0.75+2.5, side+4) {
		qrX = x + w - pad - 2 - side
	}
	drawQR(f, qr, qrX, y+h-26-side-6, side)
	f.SetFont(font, "", 8)
	f.SetTextColor(60, 60, 60)
	centred(f, b.Reference, qrX-10, y+h-26-2, side+20)
	// category band
	r, g, bl := rgb(b.Colour)
	f.SetFillColor(r, g, bl)
	f.Rect(x, y+h-22, w, 22, "F")
	if light(r, g, bl) {
		f.SetTextColor(0, 0, 0)
	} else {
		f.SetTextColor(255, 255, 255)
	}
	cat := textBlock(f, strings.ToUpper(clean(b.Category)), "B", inner, 16, 6, 2)
	drawBlock(f, cat, x, y+h-11-cat.height()/2+2, w)
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
	left := pad // the text's; right of the photo when there is one
	if photo(f, b, pad, pad+5, 14, 18.7) {
		text, left = text-16, pad+16
	}
	top := pad + 9.0
	if t := clean(b.Title); t != "" {
		f.SetFont(font, "", 7)
		f.Text(left, top, t)
		top += 4
	}
	// name, organisation and country stay left of the QR and above the
	// band: shrunk together until they fit
	name, native, org := identity{width: text, nameMax: 15, nameMin: 6, step: 1, orgMax: 7, orgRatio: 0.6, orgMin: 4,
		orgLines: 2, gaps: 1 + 3.5}.fit(f, b, h-9-1.5-top)
	top = drawBlockLeft(f, name, left, top)
	top = drawBlockLeft(f, native, left, top) + 1
	top = drawBlockLeft(f, org, left, top)
	f.SetFont(font, "B", 7)
	if c := textBlock(f, clean(b.Country), "B", text, 7, 4.5, 1); len(c.lines) > 0 {
		drawBlockLeft(f, c, left, top+0.5)
	}
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
	cat := textBlock(f, strings.ToUpper(clean(b.Category)), "B", w-2*pad, 9, 4, 1)
	drawBlockLeft(f, cat, pad, h-9+(9-cat.height())/2-0.6)
}

// photo draws b's photo in the box at (x, y), w × h, and reports whether
// there was one to draw.
func photo(f *gofpdf.Fpdf, b Badge, x, y, w, h float64) bool {
	if len(b.Photo) == 0 {
		return false
	}
	opt := gofpdf.ImageOptions{ImageType: "JPG"}
	name := "photo-" + b.Reference
	f.RegisterImageOptionsReader(name, opt, bytes.NewReader(b.Photo))
	f.ImageOptions(name, x, y, w, h, false, opt, 0, "")
	f.SetDrawColor(120, 120, 120)
	f.SetLineWidth(0.2)
	f.Rect(x, y, w, h, "D")
	return true
}
