package pdf

import (
	"io"
	"strconv"
	"strings"

	"github.com/jung-kurt/gofpdf"
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
	doc := NewParticipants(list.Title, list.Subtitle, list.Page)
	for _, g := range list.Groups {
		for _, p := range g.Participants {
			doc.Add(g.Country, p)
		}
	}
	return doc.Write(w)
}

// Participants is a list of participants written one line at a time, so
// that a caller reading from the database never holds the whole list.
type Participants struct {
	f       *gofpdf.Fpdf
	group   string
	started bool // a heading has been written since the last part's
}

// NewParticipants starts a list of participants.
func NewParticipants(title, subtitle, pageFormat string) *Participants {
	f := newDoc(210, 297)
	f.SetAutoPageBreak(true, 18)
	f.SetMargins(20, 18, 20)
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont(font, "", 8)
		f.SetTextColor(100, 100, 100)
		f.CellFormat(0, 5, clean(title)+" · "+clean(replacePage(pageFormat, f.PageNo())), "", 0, "C", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	f.SetFont(font, "B", 16)
	f.MultiCell(0, 8, clean(title), "", "L", false)
	f.SetFont(font, "", 10)
	f.MultiCell(0, 6, clean(subtitle), "", "L", false)
	f.Ln(4)
	return &Participants{f: f}
}

// Part starts a part of the list (Member States, United Nations system,
// …) with its heading, on a new page unless little is written on this one.
func (d *Participants) Part(title string) {
	f := d.f
	if f.GetY() > 297-60 {
		f.AddPage()
	} else if f.GetY() > 60 {
		f.Ln(4)
	}
	f.SetFont(font, "B", 13)
	f.SetTextColor(31, 78, 158)
	f.MultiCell(0, 7, clean(title), "B", "L", false)
	f.SetTextColor(0, 0, 0)
	f.Ln(2)
	d.group, d.started = "", false
}

// Add writes p under group, with the group's heading when it is not the
// one of the line before (the caller adds the people grouped); an empty
// group has no heading.
func (d *Participants) Add(group string, p Participant) {
	f := d.f
	if group != "" && (!d.started || group != d.group) {
		if d.started {
			f.Ln(2)
		}
		if f.GetY() > 297-40 {
			f.AddPage()
		}
		f.SetFont(font, "B", 11.5)
		f.SetFillColor(228, 240, 241)
		f.CellFormat(0, 7, clean(group), "", 1, "L", true, 0, "")
		f.Ln(1)
	}
	d.group, d.started = group, true
	name := clean(p.Name)
	if p.Title != "" {
		name = clean(p.Title) + " " + name
	}
	f.SetFont(font, "B", 9.5)
	f.MultiCell(0, 4.8, name, "", "L", false)
	if nb := nativeBlock(f, p.Native, 170, 10, 7); len(nb.lines) > 0 {
		nb.setFont(f)
		f.MultiCell(0, 4.8, nb.lines[0], "", "L", false)
	}
	f.SetFont(font, "", 9)
	detail := clean(p.JobTitle)
	if p.Organisation != "" {
		detail += ", " + clean(p.Organisation)
	}
	f.MultiCell(0, 4.5, detail, "", "L", false)
	f.Ln(1.5)
}

// Write finishes the list into w.
func (d *Participants) Write(w io.Writer) error {
	if err := d.f.Error(); err != nil {
		return err
	}
	return d.f.Output(w)
}

// replacePage puts the page number into a "Page %d" format.
func replacePage(format string, n int) string {
	return strings.Replace(format, "%d", strconv.Itoa(n), 1)
}
