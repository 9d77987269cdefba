package pdf

import "github.com/jung-kurt/gofpdf"

// Layout helpers shared by the documents: every value wraps inside its box
// instead of running off the page.

// factsStyle is how a table of label and value rows is set.
type factsStyle struct {
	labelW          float64 // width of the label column
	labelSize, size float64 // font sizes of labels and values
	lineH           float64
}

// factsHeight is the height rows take in width, each value wrapped.
func factsHeight(f *gofpdf.Fpdf, rows [][2]string, width float64, st factsStyle) float64 {
	h := 0.0
	for _, r := range rows {
		h += float64(factLines(f, r, width, st)) * st.lineH
	}
	return h
}

// factLines is how many lines one row takes: the longer of its wrapped
// label and value.
func factLines(f *gofpdf.Fpdf, r [2]string, width float64, st factsStyle) int {
	f.SetFont(font, "", st.labelSize)
	n := len(f.SplitText(clean(r[0]), st.labelW-2))
	f.SetFont(font, "B", st.size)
	return max(n, len(f.SplitText(clean(r[1]), width-st.labelW)), 1)
}

// drawFacts draws rows from (x, y) in width and returns the y below them.
func drawFacts(f *gofpdf.Fpdf, rows [][2]string, x, y, width float64, st factsStyle) float64 {
	for _, r := range rows {
		n := factLines(f, r, width, st)
		f.SetFont(font, "", st.labelSize)
		f.SetXY(x, y)
		f.MultiCell(st.labelW-2, st.lineH, clean(r[0]), "", "L", false)
		f.SetFont(font, "B", st.size)
		f.SetXY(x+st.labelW, y)
		f.MultiCell(width-st.labelW, st.lineH, clean(r[1]), "", "L", false)
		y += float64(n) * st.lineH
	}
	return y
}

// drawLines writes lines from (x, y), each wrapped in width, and returns
// the y below them.
func drawLines(f *gofpdf.Fpdf, lines []string, x, y, width, lineH float64, align string) float64 {
	for _, l := range lines {
		f.SetXY(x, y)
		f.MultiCell(width, lineH, clean(l), "", align, false)
		y = f.GetY()
	}
	return y
}
