package pdf

import (
	"io"
	"strings"
)

// Receipt is a receipt for one payment; every text comes translated.
type Receipt struct {
	Title  string   // "Receipt"
	Event  string   // the conference
	Issuer []string // who issues it: the secretariat's name, then its address lines
	Serial string   // "Receipt no. 12"
	Date   string   // the date of issue
	Paid   string   // "Paid by card, online, on 3 June 2015"
	Payer  [][2]string
	Lines  [][2]string // what was paid for: label, value
	Amount string      // the total, formatted
	Note   string
	// Due marks a document that asks for money (a pro-forma invoice, an
	// invoice not yet paid): the box that says so is amber, not green.
	Due bool
	// Bank is where to pay, label and value, under BankTitle.
	BankTitle string
	Bank      [][2]string
	Footer    []string
}

// WriteReceipt writes an A5 receipt. Every value wraps inside the page.
func WriteReceipt(w io.Writer, r Receipt) error {
	const pageW, left, width = 148.0, 12.0, 124.0
	f := newDoc(pageW, 210)
	f.SetAutoPageBreak(true, 20)
	f.SetFooterFunc(func() {
		f.SetFont(font, "", 7)
		f.SetTextColor(90, 90, 90)
		drawLines(f, r.Footer, left, 210-16, width, 3.6, "L")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	f.SetFillColor(11, 95, 107)
	f.Rect(0, 0, pageW, 24, "F")
	f.SetTextColor(255, 255, 255)
	f.SetFont(font, "B", 14)
	f.Text(left, 10, clean(strings.ToUpper(r.Title)))
	f.SetFont(font, "", 8)
	drawLines(f, []string{r.Event}, left, 13, width, 3.8, "L")
	f.SetTextColor(0, 0, 0)
	// the issuer on the left, number and date on the right
	f.SetFont(font, "B", 8.5)
	y := drawLines(f, r.Issuer[:min(1, len(r.Issuer))], left, 30, 70, 4, "L")
	f.SetFont(font, "", 8)
	y = drawLines(f, r.Issuer[min(1, len(r.Issuer)):], left, y, 70, 3.8, "L")
	f.SetFont(font, "B", 9.5)
	yr := drawLines(f, []string{r.Serial}, left+74, 30, width-74, 4.5, "R")
	f.SetFont(font, "", 9)
	yr = drawLines(f, []string{r.Date}, left+74, yr, width-74, 4.5, "R")
	y = max(y, yr) + 6
	// PAID, with method and date; or what is due, and by when
	f.SetFillColor(226, 242, 232)
	if r.Due {
		f.SetFillColor(253, 240, 214)
	}
	f.SetFont(font, "B", 10)
	paid := f.SplitText(clean(r.Paid), width-8)
	f.Rect(left, y, width, float64(len(paid))*5+4, "F")
	f.SetTextColor(20, 100, 50)
	if r.Due {
		f.SetTextColor(130, 80, 0)
	}
	y = drawLines(f, []string{r.Paid}, left+4, y+2, width-8, 5, "L") + 6
	f.SetTextColor(0, 0, 0)
	st := factsStyle{labelW: 42, labelSize: 8.5, size: 9, lineH: 4.8}
	y = drawFacts(f, r.Payer, left, y, width, st) + 3
	y = drawFacts(f, r.Lines, left, y, width, st) + 2
	f.SetDrawColor(11, 95, 107)
	f.SetLineWidth(0.4)
	f.Line(left, y, left+width, y)
	f.SetFont(font, "B", 14)
	y = drawLines(f, []string{r.Amount}, left, y+2, width, 7, "R") + 4
	f.SetFont(font, "", 8.5)
	y = drawLines(f, []string{r.Note}, left, y, width, 4.5, "L") + 4
	if len(r.Bank) > 0 {
		// where to pay stays in one piece: on the next page if not here
		if _, pageH := f.GetPageSize(); y+6+factsHeight(f, r.Bank, width, st) > pageH-20 {
			f.AddPage()
			_, y, _, _ = f.GetMargins()
		}
		f.SetFont(font, "B", 9.5)
		y = drawLines(f, []string{r.BankTitle}, left, y, width, 5, "L") + 1
		drawFacts(f, r.Bank, left, y, width, st)
	}
	f.Close()
	if err := f.Error(); err != nil {
		return err
	}
	return f.Output(w)
}
