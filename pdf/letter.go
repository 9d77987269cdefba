package pdf

import (
	"io"

	"github.com/jung-kurt/gofpdf"
)

// LetterPage is an invitation letter written in one language: every
// sentence comes translated; the package only lays it out.
type LetterPage struct {
	Lang       string
	Copy       string // e.g. "Spanish copy for the consulate"; empty on the original
	EventShort string
	EventName  string
	Theme      string
	Organiser  string
	Serial     string // "Letter no. L000012 · issued on 3 June 2015"
	Place      string // "Hamburg, 3 June 2015"
	To         string // the consulate
	Subject    string
	Opening    string   // "Madam, Sir,"
	Paragraphs []string // before the delegate's details
	Facts      [][2]string
	After      []string // costs, request, verification
	Closing    string
	Signatory  string
	SignTitle  string
	Footer     []string // the secretariat's address lines
	VerifyURL  string   // in the QR
	VerifyNote string
}

// WriteLetter writes the pages of an invitation letter, one per language.
func WriteLetter(w io.Writer, pages []LetterPage) error {
	f := newDoc(210, 297)
	for _, p := range pages {
		f.AddPage()
		if err := drawLetter(f, p); err != nil {
			return err
		}
	}
	if err := f.Error(); err != nil {
		return err
	}
	return f.Output(w)
}

func drawLetter(f *gofpdf.Fpdf, p LetterPage) error {
	const left, width = 22.0, 166.0
	// letterhead
	f.SetFillColor(11, 95, 107)
	f.Rect(0, 0, 210, 28, "F")
	f.SetTextColor(255, 255, 255)
	f.SetFont(font, "B", 15)
	f.Text(left, 12, clean(p.EventShort))
	f.SetFont(font, "", 9)
	f.Text(left, 18, clean(p.EventName))
	f.Text(left, 23, clean(p.Theme))
	f.SetTextColor(0, 0, 0)
	y := 36.0
	if p.Copy != "" {
		f.SetFont(font, "B", 9)
		f.SetTextColor(150, 30, 30)
		f.Text(left, y, clean(p.Copy))
		f.SetTextColor(0, 0, 0)
		y += 6
	}
	f.SetFont(font, "", 8.5)
	f.SetTextColor(80, 80, 80)
	f.Text(left, y, clean(p.Organiser))
	f.Text(left, y+4.5, clean(p.Serial))
	f.SetTextColor(0, 0, 0)
	f.SetFont(font, "", 10)
	place := clean(p.Place)
	f.Text(left+width-f.GetStringWidth(place), y+4.5, place)
	f.SetXY(left, y+12)
	f.SetFont(font, "B", 10)
	f.MultiCell(width, 5, clean(p.To), "", "L", false)
	f.Ln(4)
	f.SetX(left)
	f.MultiCell(width, 5, clean(p.Subject), "", "L", false)
	f.Ln(4)
	f.SetFont(font, "", 10)
	para := func(text string) {
		f.SetX(left)
		f.MultiCell(width, 5, clean(text), "", "J", false)
		f.Ln(2.5)
	}
	para(p.Opening)
	for _, t := range p.Paragraphs {
		para(t)
	}
	// the delegate's details, in a box
	f.Ln(1)
	top := f.GetY()
	f.SetFillColor(244, 241, 234)
	f.Rect(left, top, width, float64(len(p.Facts))*6+4, "F")
	f.SetY(top + 2)
	for _, fact := range p.Facts {
		f.SetX(left + 4)
		f.SetFont(font, "", 9.5)
		f.CellFormat(48, 6, clean(fact[0]), "", 0, "L", false, 0, "")
		f.SetFont(font, "B", 10)
		f.CellFormat(width-56, 6, clean(fact[1]), "", 1, "L", false, 0, "")
	}
	f.Ln(5)
	f.SetFont(font, "", 10)
	for _, t := range p.After {
		para(t)
	}
	para(p.Closing)
	f.Ln(10)
	f.SetX(left)
	f.SetFont(font, "B", 10)
	if p.Signatory != "" {
		f.CellFormat(100, 5, clean(p.Signatory), "", 1, "L", false, 0, "")
		f.SetX(left)
	}
	f.SetFont(font, "", 9.5)
	f.MultiCell(100, 5, clean(p.SignTitle), "", "L", false)
	// verification QR and the secretariat
	const qr = 26.0
	bits, err := qrBitmap(p.VerifyURL)
	if err != nil {
		return err
	}
	drawQR(f, bits, 210-left-qr, 297-24-qr, qr)
	f.SetFont(font, "", 7)
	f.SetTextColor(80, 80, 80)
	f.SetXY(210-left-qr-62, 297-24-qr+4)
	f.MultiCell(58, 3.5, clean(p.VerifyNote), "", "R", false)
	f.SetDrawColor(200, 200, 200)
	f.Line(left, 297-20, left+width, 297-20)
	f.SetFont(font, "", 7.5)
	for i, l := range p.Footer {
		f.Text(left, 297-15+float64(i)*3.8, clean(l))
	}
	f.SetTextColor(0, 0, 0)
	return nil
}
