// Package pdf writes delegate's documents (badges, invitation letters and
// the list of participants) from plain data, with gofpdf, an embedded
// UTF-8 font (DejaVu: Latin with Vietnamese, Greek, Cyrillic) and vector
// QR codes.
package pdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/jung-kurt/gofpdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/text/unicode/norm"
)

const font = "dejavu"

// newDoc starts a document in millimetres with the embedded fonts.
func newDoc(w, h float64) *gofpdf.Fpdf {
	f := gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "mm", Size: gofpdf.SizeType{Wd: w, Ht: h}})
	f.AddUTF8FontFromBytes(font, "", dejavusans.TTF)
	f.AddUTF8FontFromBytes(font, "B", dejavusansbold.TTF)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetCreator("delegate", true)
	f.SetCreationDate(time.Now())
	return f
}

// clean puts text in the composed form the font's glyphs have, so that a
// decomposed "ễ" prints as one letter.
func clean(s string) string { return norm.NFC.String(strings.TrimSpace(s)) }

// rgb reads #RRGGBB.
func rgb(hex string) (int, int, int) {
	hex = strings.TrimPrefix(hex, "#")
	if len(hex) != 6 {
		return 80, 80, 80
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return 80, 80, 80
	}
	return int(v >> 16), int(v >> 8 & 0xff), int(v & 0xff)
}

// light reports whether black text reads better than white on the colour.
func light(r, g, b int) bool { return 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) > 150 }

// drawQR draws code as a vector QR code of side size at (x, y), merging
// the dark modules of a row into runs.
func drawQR(f *gofpdf.Fpdf, code string, x, y, size float64) error {
	q, err := qrcode.New(code, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	bits := q.Bitmap()
	cell := size / float64(len(bits))
	f.SetFillColor(0, 0, 0)
	for row, line := range bits {
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			start := col
			for col < len(line) && line[col] {
				col++
			}
			// a hair wider, so that neighbouring runs leave no white seam
			f.Rect(x+float64(start)*cell, y+float64(row)*cell, float64(col-start)*cell+0.01, cell+0.01, "F")
		}
	}
	return nil
}

// fit returns the largest font size from max down to min at which text is
// at most width wide, or 0 when none is.
func fit(f *gofpdf.Fpdf, text, style string, width, max, min float64) float64 {
	for size := max; size >= min; size -= 0.5 {
		f.SetFont(font, style, size)
		if f.GetStringWidth(text) <= width {
			return size
		}
	}
	return 0
}
