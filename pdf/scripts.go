package pdf

import (
	"os"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-text/typesetting/language"
	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/sfnt"
)

// Names in every script. The embedded DejaVu draws Latin, Greek, Cyrillic,
// Hebrew and Arabic (its presentation forms); Chinese, Japanese, Korean,
// Thai and Devanagari come from Debian's font packages, read once (the server does so at start, for its log line) when
// first needed. gofpdf neither shapes nor reorders text: Hebrew and Arabic
// are put in display order here, and Arabic letters in their joined
// forms; Devanagari goes through a shaper (shape.go). The other scripts
// that need shaping (Bengali, Tamil and the rest) are not printed at all,
// rather than printed wrong.

// face is a font that draws some names.
type face struct {
	family string // the gofpdf family name
	file   string // where Debian installs it; "" for the embedded DejaVu
	script string // what it is for, for the start-up log line
	data   []byte
	font   *sfnt.Font
	// shape names the script when the face is drawn through the shaper
	// (shape.go): its letters combine in ways gofpdf cannot draw.
	shape language.Script
}

// faceFiles are the fonts looked for, in order of preference.
var faceFiles = []face{
	{family: font, script: "Latin, Greek, Cyrillic, Hebrew, Arabic"},
	{family: "droid", file: "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", script: "Chinese, Japanese (fonts-droid-fallback)"},
	{family: "nanum", file: "/usr/share/fonts/truetype/nanum/NanumGothic.ttf", script: "Korean (fonts-nanum)"},
	{family: "notothai", file: "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf", script: "Thai (fonts-noto-core)"},
	{family: "notodeva", file: "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
		script: "Devanagari (fonts-noto-core, shaped)", shape: language.Devanagari},
}

// loadFaces reads the fonts that are installed.
var loadFaces = sync.OnceValue(func() []*face {
	var out []*face
	for _, ff := range faceFiles {
		fc := ff
		if fc.file == "" {
			fc.data = dejavusans.TTF
		} else {
			data, err := os.ReadFile(fc.file)
			if err != nil {
				continue
			}
			fc.data = data
		}
		parsed, err := sfnt.Parse(fc.data)
		if err != nil {
			continue
		}
		fc.font = parsed
		out = append(out, &fc)
	}
	return out
})

// Scripts says which scripts names can be printed in, for the log line at
// start; missing lists the fonts not installed.
func Scripts() (available, missing []string) {
	faces := loadFaces()
	for _, ff := range faceFiles {
		if slices.ContainsFunc(faces, func(f *face) bool { return f.family == ff.family }) {
			available = append(available, ff.script)
		} else {
			missing = append(missing, ff.script)
		}
	}
	return available, missing
}

// shaped scripts need a shaper gofpdf does not have.
var shaped = []*unicode.RangeTable{unicode.Bengali, unicode.Gurmukhi, unicode.Gujarati,
	unicode.Oriya, unicode.Tamil, unicode.Telugu, unicode.Kannada, unicode.Malayalam, unicode.Sinhala,
	unicode.Tibetan, unicode.Myanmar, unicode.Khmer, unicode.Lao}

// faceFor is the first face that draws every letter of s, or nil.
func faceFor(s string) *face {
	for _, r := range s {
		if unicode.In(r, shaped...) {
			return nil
		}
	}
	// Devanagari only through the shaper, whatever else covers its letters
	needsShaper := strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Devanagari, r) })
	var buf sfnt.Buffer
	for _, fc := range loadFaces() {
		if needsShaper != (fc.shape != 0) {
			continue
		}
		ok := true
		for _, r := range s {
			if unicode.IsSpace(r) || unicode.IsControl(r) {
				continue
			}
			if i, err := fc.font.GlyphIndex(&buf, r); err != nil || i == 0 {
				ok = false
				break
			}
		}
		if ok {
			return fc
		}
	}
	return nil
}

// Printable reports whether a name can be printed as it is written, in
// its own script, with the fonts installed.
func Printable(s string) bool {
	fc := faceFor(clean(s))
	return fc != nil && (fc.shape == 0 || shapedFor(fc) != nil)
}

// useFace makes fc's family available in the document and selects it.
func useFace(f *gofpdf.Fpdf, fc *face, style string, size float64) {
	if fc.family == font {
		f.SetFont(font, style, size)
		return
	}
	if !faceLoaded(f, fc.family) {
		f.AddUTF8FontFromBytes(fc.family, "", slices.Clone(fc.data))
	}
	f.SetFont(fc.family, "", size) // these fonts come in one weight
}

// faceLoaded reports whether the document has the family already
// (gofpdf's descriptor of an unknown family is empty).
func faceLoaded(f *gofpdf.Fpdf, family string) bool {
	return f.GetFontDesc(family, "").Ascent != 0
}

// display puts text in the order and forms a page shows: right-to-left
// runs reversed, Arabic letters joined.
func display(text string) string {
	rtl := false
	for _, r := range text {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew) {
			rtl = true
			break
		}
	}
	if !rtl {
		return text
	}
	runes := []rune(shapeArabic(text))
	slices.Reverse(runes)
	return string(runes)
}
