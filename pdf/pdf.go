// Package pdf writes delegate's documents (badges, invitation letters and
// the list of participants) from plain data, with gofpdf, an embedded
// UTF-8 font (DejaVu: Latin with Vietnamese, Greek, Cyrillic) and vector
// QR codes.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/jung-kurt/gofpdf"
	"golang.org/x/text/unicode/norm"
	"rsc.io/qr"
)

const font = "dejavu"

// newDoc starts a document in millimetres with the embedded fonts. Each
// document gets its own copy of the font bytes (1.4 MB, copied in well
// under a millisecond): gofpdf pads font tables by appending to slices of
// the bytes it is given, so documents written at once must not share them.
func newDoc(w, h float64) *gofpdf.Fpdf {
	f := gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "mm", Size: gofpdf.SizeType{Wd: w, Ht: h}})
	f.AddUTF8FontFromBytes(font, "", bytes.Clone(dejavusans.TTF))
	f.AddUTF8FontFromBytes(font, "B", bytes.Clone(dejavusansbold.TTF))
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

// quiet is the blank margin a QR code needs around it, in modules.
const quiet = 4

// qrBitmap encodes code as QR modules (medium error correction), with the
// quiet zone around them.
func qrBitmap(code string) ([][]bool, error) {
	c, err := qr.Encode(code, qr.M)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	n := c.Size + 2*quiet
	bits := make([][]bool, n)
	for y := range bits {
		bits[y] = make([]bool, n)
		for x := range bits[y] {
			bits[y][x] = c.Black(x-quiet, y-quiet)
		}
	}
	return bits, nil
}

// qrBitmaps encodes many codes on every core.
func qrBitmaps(codes []string) ([][][]bool, error) {
	out := make([][][]bool, len(codes))
	errs := make([]error, len(codes))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(codes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(codes); i = int(next.Add(1)) - 1 {
				out[i], errs[i] = qrBitmap(codes[i])
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// drawQR draws QR modules as vector rectangles of side size at (x, y).
// The rectangles are written in module units under one transformation,
// each row's dark modules merged into runs, and filled once: small
// integers keep a page of codes short.
func drawQR(f *gofpdf.Fpdf, bits [][]bool, x, y, size float64) {
	k := f.GetConversionRatio()
	_, pageH := f.GetPageSize()
	cell := size / float64(len(bits)) * k
	b := make([]byte, 0, 4<<10)
	b = append(b, "q 0 g "...)
	for _, v := range []float64{cell, 0, 0, -cell, x * k, (pageH - y) * k} {
		b = append(strconv.AppendFloat(b, v, 'f', 3, 64), ' ')
	}
	b = append(b, "cm\n"...)
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
			b = strconv.AppendInt(b, int64(start), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(row), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(col-start), 10)
			// a little taller than a module, so rows leave no white seam
			b = append(b, " 1.05 re\n"...)
		}
	}
	b = append(b, "f Q"...)
	f.RawWriteStr(string(b))
}

// fit returns the largest font size from max down to min, in half
// points, at which text is at most width wide, or 0 when none is. Width
// grows in proportion to size, so one measure is enough.
func fit(f *gofpdf.Fpdf, text, style string, width, max, min float64) float64 {
	f.SetFont(font, style, max)
	w := f.GetStringWidth(text)
	if w <= width {
		return max
	}
	size := math.Floor(2*max*width/w) / 2
	if size < min {
		return 0
	}
	f.SetFont(font, style, size)
	return size
}
