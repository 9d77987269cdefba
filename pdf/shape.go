package pdf

import (
	"bytes"
	"strconv"
	"sync"

	"github.com/go-text/typesetting/di"
	gtfont "github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/math/fixed"
)

// Scripts whose letters combine into conjuncts (Devanagari) cannot be
// drawn by gofpdf, which maps each letter to one glyph. For them a
// HarfBuzz port (go-text/typesetting) shapes the text, the glyphs'
// outlines are drawn as paths, and the text is also written invisibly
// (render mode 3) so that it can be searched and copied.

// shapedFace is a font drawn through the shaper.
type shapedFace struct {
	face   *gtfont.Face
	upem   float64
	script language.Script
}

var (
	shapedOnce  sync.Once
	shapedFaces map[string]*shapedFace // by face family
)

// shapedFor returns the shaper's face of a face family, or nil when the
// family does not need shaping.
func shapedFor(fc *face) *shapedFace {
	shapedOnce.Do(func() {
		shapedFaces = map[string]*shapedFace{}
		for _, ff := range loadFaces() {
			if ff.shape == (language.Script(0)) {
				continue
			}
			gf, err := gtfont.ParseTTF(bytes.NewReader(ff.data))
			if err != nil {
				continue
			}
			shapedFaces[ff.family] = &shapedFace{face: gf, upem: float64(gf.Upem()), script: ff.shape}
		}
	})
	return shapedFaces[fc.family]
}

// shapedRun is text shaped at a size: its glyphs and its width in mm.
type shapedRun struct {
	sf     *shapedFace
	text   string
	size   float64 // points
	glyphs []shaping.Glyph
	width  float64
}

// shape shapes text in sf at size points.
func (sf *shapedFace) shape(text string, size float64) shapedRun {
	runes := []rune(text)
	var sh shaping.HarfbuzzShaper
	out := sh.Shape(shaping.Input{Text: runes, RunStart: 0, RunEnd: len(runes), Direction: di.DirectionLTR,
		Face: sf.face, Size: fixed.I(int(sf.upem)), Script: sf.script, Language: language.NewLanguage("hi")})
	run := shapedRun{sf: sf, text: text, size: size, glyphs: out.Glyphs}
	for _, g := range out.Glyphs {
		run.width += float64(g.Advance) / 64
	}
	run.width *= size / sf.upem * ptToMM
	return run
}

// draw fills the run's glyph outlines with the baseline at (x, y) in mm,
// and writes the text invisibly over them in fc.
func (run shapedRun) draw(f *gofpdf.Fpdf, fc *face, x, y float64) {
	k := f.GetConversionRatio()
	_, pageH := f.GetPageSize()
	scale := run.size / run.sf.upem // font units to points
	var b []byte
	num := func(v float64) { b = append(strconv.AppendFloat(b, v, 'f', 2, 64), ' ') }
	b = append(b, "q 0 g\n"...)
	pen := x * k
	base := (pageH - y) * k
	for _, g := range run.glyphs {
		gx := pen + float64(g.XOffset)/64*scale
		gy := base + float64(g.YOffset)/64*scale
		if data, ok := run.sf.face.GlyphData(g.GlyphID).(gtfont.GlyphOutline); ok {
			var last ot.SegmentPoint
			for _, s := range data.Segments {
				pt := func(p ot.SegmentPoint) { num(gx + float64(p.X)*scale); num(gy + float64(p.Y)*scale) }
				switch s.Op {
				case ot.SegmentOpMoveTo:
					pt(s.Args[0])
					b = append(b, "m\n"...)
					last = s.Args[0]
				case ot.SegmentOpLineTo:
					pt(s.Args[0])
					b = append(b, "l\n"...)
					last = s.Args[0]
				case ot.SegmentOpQuadTo:
					// a quadratic curve as the cubic PDF draws
					c1 := ot.SegmentPoint{X: last.X + 2.0/3*(s.Args[0].X-last.X), Y: last.Y + 2.0/3*(s.Args[0].Y-last.Y)}
					c2 := ot.SegmentPoint{X: s.Args[1].X + 2.0/3*(s.Args[0].X-s.Args[1].X), Y: s.Args[1].Y + 2.0/3*(s.Args[0].Y-s.Args[1].Y)}
					pt(c1)
					pt(c2)
					pt(s.Args[1])
					b = append(b, "c\n"...)
					last = s.Args[1]
				case ot.SegmentOpCubeTo:
					pt(s.Args[0])
					pt(s.Args[1])
					pt(s.Args[2])
					b = append(b, "c\n"...)
					last = s.Args[2]
				}
			}
		}
		pen += float64(g.Advance) / 64 * scale
	}
	b = append(b, "f Q\n"...)
	f.RawWriteStr(string(b))
	// the text, invisible, for search and copy
	useFace(f, fc, "", run.size)
	f.RawWriteStr("q 3 Tr\n")
	f.Text(x, y, run.text)
	f.RawWriteStr("Q\n")
}
