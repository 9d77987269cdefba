package pdf

import (
	"github.com/jung-kurt/gofpdf"
)

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
// Where pages break by themselves, a row that would cross the bottom
// margin starts the next page, its label and value together.
func drawFacts(f *gofpdf.Fpdf, rows [][2]string, x, y, width float64, st factsStyle) float64 {
	_, pageH := f.GetPageSize()
	auto, bottom := f.GetAutoPageBreak()
	_, top, _, _ := f.GetMargins()
	for _, r := range rows {
		n := factLines(f, r, width, st)
		if auto && y > top && y+float64(n)*st.lineH > pageH-bottom {
			f.AddPage()
			y = top
		}
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

// wrapFit sets text in width at the largest size from max down to min, in
// half points, at which it takes at most lines lines; where even min needs
// more, it takes as many lines as it needs at min. Nothing is cut: a word
// wider than the box is broken. It leaves the font set to the size.
func wrapFit(f *gofpdf.Fpdf, text, style string, width, max, min float64, lines int) ([]string, float64) {
	for size := max; size >= min; size -= 0.5 {
		f.SetFont(font, style, size)
		if l := f.SplitText(text, width); len(l) <= lines {
			return l, size
		}
	}
	f.SetFont(font, style, min)
	return f.SplitText(text, width), min
}

// block is text set to fit a box: its lines in one style and size.
type block struct {
	lines  []string
	style  string
	size   float64
	family string // a script's face; the embedded font when empty
	// fc and shaper are set for a face drawn through the shaper
	fc     *face
	shaper *shapedFace
}

// setFont selects the block's font.
func (b block) setFont(f *gofpdf.Fpdf) {
	if b.family == "" {
		f.SetFont(font, b.style, b.size)
		return
	}
	f.SetFont(b.family, "", b.size)
}

// ptToMM turns a font size in points into millimetres.
const ptToMM = 0.3528

// lineHeight is the baseline-to-baseline distance of the block's lines.
func (b block) lineHeight() float64 { return b.size * ptToMM * 1.18 }

// height is the height of the block's lines.
func (b block) height() float64 { return float64(len(b.lines)) * b.lineHeight() }

// textBlock is text wrapped in width at most lines lines, from max down to
// min (see wrapFit).
func textBlock(f *gofpdf.Fpdf, text, style string, width, max, min float64, lines int) block {
	if text == "" {
		return block{style: style, size: min}
	}
	l, size := wrapFit(f, text, style, width, max, min, lines)
	return block{lines: l, style: style, size: size}
}

// nameBlock is a delegate's name set large: see nameLines.
func nameBlock(f *gofpdf.Fpdf, name string, width, max float64) block {
	l, size := nameLines(f, name, width, max)
	return block{lines: l, style: "B", size: size}
}

// drawBlock writes the block's lines centred in width from x, the first
// baseline one line below top, and returns the bottom of the last line.
func drawBlock(f *gofpdf.Fpdf, b block, x, top, width float64) float64 {
	b.setFont(f)
	for _, l := range b.lines {
		top += b.lineHeight()
		if b.shaper != nil {
			run := b.shaper.shape(l, b.size)
			run.draw(f, b.fc, x+(width-run.width)/2, top)
			continue
		}
		centred(f, l, x, top, width)
	}
	return top
}

// drawBlockLeft is drawBlock aligned on the left at x.
func drawBlockLeft(f *gofpdf.Fpdf, b block, x, top float64) float64 {
	b.setFont(f)
	for _, l := range b.lines {
		top += b.lineHeight()
		if b.shaper != nil {
			b.shaper.shape(l, b.size).draw(f, b.fc, x, top)
			continue
		}
		f.Text(x, top, l)
	}
	return top
}

// nativeBlock is a name in its own script, on one line from max down to
// min in the face that draws it, in display order; empty when there is no
// such name or no face draws it.
func nativeBlock(f *gofpdf.Fpdf, name string, width, max, min float64) block {
	name = clean(name)
	fc := faceFor(name)
	if name == "" || fc == nil {
		return block{}
	}
	shown := display(name)
	b := block{family: fc.family, size: min, lines: []string{shown}}
	if fc.shape != 0 {
		b.fc, b.shaper = fc, shapedFor(fc)
		if b.shaper == nil {
			return block{}
		}
	}
	measure := func(size float64) float64 {
		if b.shaper != nil {
			return b.shaper.shape(shown, size).width
		}
		useFace(f, fc, "", size)
		return f.GetStringWidth(shown)
	}
	fits := false
	for size := max; size >= min && !fits; size -= 0.5 {
		b.size, fits = size, measure(size) <= width
	}
	useFace(f, fc, "", b.size)
	if !fits {
		// gofpdf breaks lines only at spaces and between Han characters:
		// a name longer than the box is wrapped there
		b.lines = f.SplitText(shown, width)
	}
	if fc.family == font {
		b.family = ""
	}
	return b
}
