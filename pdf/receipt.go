package pdf

import "io"

// Receipt is a receipt for one payment; every text comes translated.
type Receipt struct {
	Title  string      // "Receipt"
	Event  string      // the conference
	Serial string      // "Receipt no. 12 · 3 June 2015"
	To     string      // the delegate
	Lines  [][2]string // label, value
	Amount string      // the total, formatted
	Note   string
	Footer []string
}

// WriteReceipt writes a one-page A5 receipt.
func WriteReceipt(w io.Writer, r Receipt) error {
	f := newDoc(148, 210)
	f.AddPage()
	f.SetFillColor(11, 95, 107)
	f.Rect(0, 0, 148, 22, "F")
	f.SetTextColor(255, 255, 255)
	f.SetFont(font, "B", 13)
	f.Text(12, 10, clean(r.Title))
	f.SetFont(font, "", 8)
	f.Text(12, 16, clean(r.Event))
	f.SetTextColor(0, 0, 0)
	f.SetFont(font, "", 9)
	f.Text(12, 32, clean(r.Serial))
	f.SetFont(font, "B", 11)
	f.Text(12, 42, clean(r.To))
	y := 52.0
	for _, l := range r.Lines {
		f.SetFont(font, "", 9)
		f.Text(12, y, clean(l[0]))
		f.SetFont(font, "B", 9.5)
		f.Text(60, y, clean(l[1]))
		y += 6
	}
	f.SetDrawColor(11, 95, 107)
	f.SetLineWidth(0.4)
	f.Line(12, y, 136, y)
	f.SetFont(font, "B", 14)
	amount := clean(r.Amount)
	f.Text(136-f.GetStringWidth(amount), y+9, amount)
	f.SetFont(font, "", 8.5)
	f.SetXY(12, y+16)
	f.MultiCell(124, 4.5, clean(r.Note), "", "L", false)
	f.SetFont(font, "", 7)
	f.SetTextColor(90, 90, 90)
	for i, l := range r.Footer {
		f.Text(12, 196+float64(i)*3.6, clean(l))
	}
	if err := f.Error(); err != nil {
		return err
	}
	return f.Output(w)
}
