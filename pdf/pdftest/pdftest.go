// Package pdftest reads PDFs back for tests, with poppler-utils and
// zbar-tools: the text a reader would copy, and the QR codes a scanner
// would read from the printed page.
package pdftest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tool finds an outside command. Without it the test skips on a laptop and
// fails in CI, where .ci/run installs poppler-utils and zbar-tools.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; .ci/run installs it", name)
	}
	t.Skipf("%s is not installed (apt-get install poppler-utils zbar-tools); skipping", name)
	return ""
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
