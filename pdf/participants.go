package pdf

import (
	"io"
	"strconv"
	"strings"
)

// Participant is one line of the list of participants.
type Participant struct {
	Title        string
	Name         string
	Native       string // the name in its own script, after the Latin one; may be empty
	JobTitle     string
	Organisation string
}

// CountryGroup is the participants of one country.
type CountryGroup struct {
	Country      string
	Participants []Participant
}

// ParticipantList is the whole document; the caller sorts the groups and
// the people in them.
type ParticipantList struct {
	Title    string
	Subtitle string
	Page     string // "Page %d", translated
	Groups   []CountryGroup
}

// WriteParticipants writes the list of participants, grouped by country.
func WriteParticipants(w io.Writer, list ParticipantList) error {
	f := newDoc(210, 297)
	f.SetAutoPageBreak(true, 18)
	f.SetMargins(20, 18, 20)
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont(font, "", 8)
		f.SetTextColor(100, 100, 100)
		f.CellFormat(0, 5, clean(list.Title)+" · "+clean(replacePage(list.Page, f.PageNo())), "", 0, "C", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	f.SetFont(font, "B", 16)
	f.MultiCell(0, 8, clean(list.Title), "", "L", false)
	f.SetFont(font, "", 10)
	f.MultiCell(0, 6, clean(list.Subtitle), "", "L", false)
	f.Ln(4)
	for _, g := range list.Groups {
		if f.GetY() > 297-40 {
			f.AddPage()
		}
		f.SetFont(font, "B", 11.5)
		f.SetFillColor(228, 240, 241)
		f.CellFormat(0, 7, clean(g.Country), "", 1, "L", true, 0, "")
		f.Ln(1)
		for _, p := range g.Participants {
			name := clean(p.Name)
			if p.Title != "" {
				name = clean(p.Title) + " " + name
			}
			f.SetFont(font, "B", 9.5)
			f.MultiCell(0, 4.8, name, "", "L", false)
			if nb := nativeBlock(f, p.Native, 170, 10, 7); len(nb.lines) > 0 {
				nb.setFont(f)
				f.MultiCell(0, 4.8, nb.lines[0], "", "L", false)
				f.SetFont(font, "", 9)
			}
			f.SetFont(font, "", 9)
			detail := clean(p.JobTitle)
			if p.Organisation != "" {
				detail += ", " + clean(p.Organisation)
			}
			f.MultiCell(0, 4.5, detail, "", "L", false)
			f.Ln(1.5)
		}
		f.Ln(2)
	}
	if err := f.Error(); err != nil {
		return err
	}
	return f.Output(w)
}

// replacePage puts the page number into a "Page %d" format.
func replacePage(format string, n int) string {
	return strings.Replace(format, "%d", strconv.Itoa(n), 1)
}
