// Package pdftest reads PDFs back for tests, with poppler-utils and
// zbar-tools: the text a reader would copy, and the QR codes a scanner
// would read from the printed page.
package pdftest

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"delegate/testtool"
)

// Tool finds an outside command. Without it the test skips on a laptop and
// fails in CI, where .ci/run installs poppler-utils and zbar-tools.
func Tool(t testing.TB, name string) string {
	t.Helper()
	return testtool.Command(t, "apt-get install poppler-utils zbar-tools", name)
}

// Text is what pdftotext reads from a PDF.
func Text(t testing.TB, doc []byte) string {
	t.Helper()
	cmd := exec.Command(Tool(t, "pdftotext"), "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// OneLine is Text with all white space folded, for phrases that wrap.
func OneLine(t testing.TB, doc []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(Text(t, doc)), " ")
}

// QRCodes renders one page at 200 dpi and returns the QR codes zbarimg
// reads on it.
func QRCodes(t testing.TB, doc []byte, page string) []string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(Tool(t, "pdftoppm"), "-r", "200", "-png", "-f", page, "-l", page, in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(pngs) != 1 {
		t.Fatalf("pdftoppm made %v", pngs)
	}
	out, _ := exec.Command(Tool(t, "zbarimg"), "-q", "--raw", pngs[0]).Output() // exit 4: none found
	var codes []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			codes = append(codes, l)
		}
	}
	return codes
}

// Word is one word of a PDF page as pdftotext -bbox reads it, in points
// from the top left corner, with the page's size.
type Word struct {
	Page                   int
	XMin, YMin, XMax, YMax float64
	PageW, PageH           float64
	Text                   string
}

// Words reads every word's box from doc.
func Words(t testing.TB, doc []byte) []Word {
	t.Helper()
	cmd := exec.Command(Tool(t, "pdftotext"), "-bbox", "-", "-")
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	var words []Word
	page, pw, ph := 0, 0.0, 0.0
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "<page ") {
			page++
			fmt.Sscanf(line, `<page width="%f" height="%f">`, &pw, &ph)
			continue
		}
		if !strings.HasPrefix(line, "<word ") {
			continue
		}
		w := Word{Page: page, PageW: pw, PageH: ph}
		if _, err := fmt.Sscanf(line, `<word xMin="%f" yMin="%f" xMax="%f" yMax="%f">`, &w.XMin, &w.YMin, &w.XMax, &w.YMax); err != nil {
			t.Fatalf("read %q: %v", line, err)
		}
		if i, j := strings.IndexByte(line, '>'), strings.LastIndex(line, "</word>"); i >= 0 && j > i {
			w.Text = html.UnescapeString(line[i+1 : j])
		}
		words = append(words, w)
	}
	return words
}

// Inside reports whether the word lies within the rectangle, in points.
func (w Word) Inside(x0, y0, x1, y1 float64) bool {
	return w.XMin >= x0-0.1 && w.YMin >= y0-0.1 && w.XMax <= x1+0.1 && w.YMax <= y1+0.1
}

// Overlaps reports whether the word's box meets the rectangle, in points.
func (w Word) Overlaps(x0, y0, x1, y1 float64) bool {
	return w.XMin < x1 && w.XMax > x0 && w.YMin < y1 && w.YMax > y0
}

// Images counts the images drawn in doc (pdfimages -list).
func Images(t testing.TB, doc []byte) int {
	t.Helper()
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(Tool(t, "pdfimages"), "-list", f).Output()
	if err != nil {
		t.Fatalf("pdfimages: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return max(len(lines)-2, 0) // two lines of header
}
