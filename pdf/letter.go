package pdf

import (
	"bytes"
	"errors"
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
	After      []string // costs, request
	Closing    string
	Signatory  string
	SignTitle  string
	Signature  []byte   // the signatory's signature as a PNG; none when empty
	Footer     []string // the secretariat's address lines
	VerifyURL  string   // in the QR
	VerifyNote string   // how to check, with the address of /verify
	VerifyCode string   // "Letter no. L000012 · verification code K7QM-2XPA"
}

// The page: the letterhead at the top, the text between the margins, and
// at the foot of every page the verification block and the secretariat.
const (
	letterLeft  = 22.0
	letterWidth = 166.0
	letterFoot  = 52.0 // reserved at the bottom: QR, verification, address
	qrSize      = 26.0
)

// WriteLetter writes the pages of an invitation letter, one or more per
// language. Text that does not fit on a page goes on to the next one,
// which carries the same foot.
func WriteLetter(w io.Writer, pages []LetterPage) error {
	f := newDoc(210, 297)
	f.SetAutoPageBreak(true, letterFoot)
	var cur *LetterPage
	var footErr error
	f.SetFooterFunc(func() {
		if cur != nil {
			footErr = errors.Join(footErr, drawLetterFoot(f, cur))
		}
	})
	for i := range pages {
		f.AddPage() // the foot of the page before is drawn with its own language
		cur = &pages[i]
		drawLetter(f, cur)
	}
	f.Close()
	if err := errors.Join(f.Error(), footErr); err != nil {
		return err
	}
	return f.Output(w)
}

func drawLetter(f *gofpdf.Fpdf, p *LetterPage) {
	const left, width = letterLeft, letterWidth
	// letterhead
	f.SetFillColor(11, 95, 107)
	f.Rect(0, 0, 210, 28, "F")
	f.SetTextColor(255, 255, 255)
	f.SetFont(font, "B", 15)
	f.Text(left, 12, clean(p.EventShort))
	f.SetFont(font, "", 9)
	f.SetXY(left, 15)
	f.MultiCell(width, 4, clean(p.EventName), "", "L", false)
	f.SetX(left)
	f.MultiCell(width, 4, clean(p.Theme), "", "L", false)
	f.SetTextColor(0, 0, 0)
	y := max(36.0, f.GetY()+6)
	if p.Copy != "" {
		f.SetFont(font, "B", 9)
		f.SetTextColor(150, 30, 30)
		f.Text(left, y, clean(p.Copy))
		f.SetTextColor(0, 0, 0)
		y += 6
	}
	f.SetFont(font, "", 10)
	place := clean(p.Place)
	placeW := f.GetStringWidth(place) + 2
	f.Text(left+width-placeW+2, y, place)
	f.SetFont(font, "", 8.5)
	f.SetTextColor(80, 80, 80)
	y = drawLines(f, []string{p.Organiser, p.Serial}, left, y-3, width-placeW-4, 4.5, "L")
	f.SetTextColor(0, 0, 0)
	f.SetXY(left, y+6)
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
	// the delegate's details, in a box that stays on one page
	st := factsStyle{labelW: 48, labelSize: 9.5, size: 10, lineH: 5}
	h := factsHeight(f, p.Facts, width-8, st) + 4
	_, pageH := f.GetPageSize()
	if f.GetY()+1+h > pageH-letterFoot {
		f.AddPage()
		f.SetY(20)
	}
	f.Ln(1)
	top := f.GetY()
	f.SetFillColor(244, 241, 234)
	f.Rect(left, top, width, h, "F")
	drawFacts(f, p.Facts, left+4, top+2, width-8, st)
	f.SetY(top + h + 5)
	f.SetFont(font, "", 10)
	for _, t := range p.After {
		if t != "" {
			para(t)
		}
	}
	// the closing, the signature, the name and the title stay together
	sigH := 6.0
	if len(p.Signature) > 0 {
		sigH = 17
	}
	f.SetFont(font, "", 10)
	closingH := float64(len(f.SplitText(clean(p.Closing), width)))*5 + 2.5
	f.SetFont(font, "", 9.5)
	titleH := float64(len(f.SplitText(clean(p.SignTitle), 110))) * 5
	if f.GetY()+closingH+3+sigH+5+titleH > pageH-letterFoot {
		f.AddPage()
		f.SetY(20)
	}
	f.SetFont(font, "", 10)
	para(p.Closing)
	f.Ln(3)
	if len(p.Signature) > 0 {
		name := "signature-" + p.Lang
		f.RegisterImageOptionsReader(name, gofpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(p.Signature))
		f.ImageOptions(name, left, f.GetY(), 0, sigH, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		f.SetY(f.GetY() + sigH)
	} else {
		f.Ln(sigH)
	}
	f.SetX(left)
	f.SetFont(font, "B", 10)
	if p.Signatory != "" {
		f.MultiCell(110, 5, clean(p.Signatory), "", "L", false)
		f.SetX(left)
	}
	f.SetFont(font, "", 9.5)
	f.MultiCell(110, 5, clean(p.SignTitle), "", "L", false)
}

// drawLetterFoot draws the verification block (QR, serial and code, the
// address of /verify) and the secretariat at the foot of a page.
func drawLetterFoot(f *gofpdf.Fpdf, p *LetterPage) error {
	const left, width = letterLeft, letterWidth
	_, pageH := f.GetPageSize()
	bits, err := qrBitmap(p.VerifyURL)
	if err != nil {
		return err
	}
	top := pageH - 20 - 4 - qrSize
	drawQR(f, bits, left+width-qrSize, top, qrSize)
	textW := width - qrSize - 6
	f.SetTextColor(0, 0, 0)
	f.SetFont(font, "B", 8.5)
	y := drawLines(f, []string{p.VerifyCode}, left, top+1, textW, 4.2, "L")
	f.SetFont(font, "", 7.5)
	f.SetTextColor(60, 60, 60)
	drawLines(f, []string{p.VerifyNote, p.VerifyURL}, left, y+0.5, textW, 3.6, "L")
	f.SetDrawColor(200, 200, 200)
	f.Line(left, pageH-20, left+width, pageH-20)
	f.SetFont(font, "", 7.5)
	f.SetTextColor(80, 80, 80)
	drawLines(f, p.Footer, left, pageH-18.5, width, 3.6, "L")
	f.SetTextColor(0, 0, 0)
	return nil
}
