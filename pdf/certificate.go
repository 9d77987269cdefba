package pdf

import (
	"bytes"
	"io"

	"github.com/jung-kurt/gofpdf"
)

// CertificatePage is a certificate of participation in one language;
// every sentence comes translated.
type CertificatePage struct {
	Lang       string
	EventShort string
	EventName  string
	Organiser  string
	Title      string // "Certificate of participation"
	Certify    string // "This is to certify that"
	Name       string
	Native     string // the name in its own script, under the Latin one; may be empty
	Attended   string // "took part in the …, held in … from … to …"
	Days       string // "Days attended: …"
	Place      string // "Mexico City, 30 September 2015"
	Signatory  string
	SignTitle  string
	Signature  []byte // PNG; none when empty
	VerifyURL  string // in the QR
	VerifyNote string
	VerifyCode string // "Certificate no. C000012 · verification code …"
}

// WriteCertificate writes a certificate of participation on an A4
// landscape page. Every value wraps or shrinks inside the frame.
func WriteCertificate(w io.Writer, p CertificatePage) error {
	const pageW, pageH, margin = 297.0, 210.0, 18.0
	const inner = pageW - 2*margin - 20
	f := newDoc(pageW, pageH)
	f.AddPage()
	// a double frame in the conference's colour
	f.SetDrawColor(11, 95, 107)
	f.SetLineWidth(1.2)
	f.Rect(10, 10, pageW-20, pageH-20, "D")
	f.SetLineWidth(0.3)
	f.Rect(13, 13, pageW-26, pageH-26, "D")
	x := margin + 10
	f.SetTextColor(11, 95, 107)
	f.SetFont(font, "B", 13)
	y := drawLines(f, []string{p.EventShort}, x, 22, inner, 6, "C")
	f.SetFont(font, "", 9)
	f.SetTextColor(80, 80, 80)
	y = drawLines(f, []string{p.EventName, p.Organiser}, x, y, inner, 4.5, "C")
	f.SetTextColor(0, 0, 0)
	title := textBlock(f, p.Title, "B", inner, 28, 14, 2)
	y = drawBlock(f, title, x, y+6, inner) + 8
	f.SetFont(font, "", 12)
	y = drawLines(f, []string{p.Certify}, x, y, inner, 6, "C") + 2
	name := nameBlock(f, clean(p.Name), inner, 26)
	y = drawBlock(f, name, x, y, inner)
	y = drawBlock(f, nativeBlock(f, p.Native, inner, 20, 10), x, y, inner) + 6
	f.SetFont(font, "", 12)
	y = drawLines(f, []string{p.Attended}, x+15, y, inner-30, 6, "C") + 2
	f.SetFont(font, "B", 11)
	drawLines(f, []string{p.Days}, x+15, y, inner-30, 5.5, "C")
	// the signature on the left, verification on the right, at the foot
	foot := pageH - 24.0
	f.SetFont(font, "", 10)
	drawLines(f, []string{p.Place}, x, foot-38, 110, 5, "L")
	if len(p.Signature) > 0 {
		f.RegisterImageOptionsReader("signature", gofpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(p.Signature))
		f.ImageOptions("signature", x, foot-31, 0, 15, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	f.SetDrawColor(120, 120, 120)
	f.Line(x, foot-15, x+80, foot-15)
	f.SetFont(font, "B", 10)
	sy := drawLines(f, []string{p.Signatory}, x, foot-14, 110, 5, "L")
	f.SetFont(font, "", 9)
	drawLines(f, []string{p.SignTitle}, x, sy, 110, 4.5, "L")
	bits, err := qrBitmap(p.VerifyURL)
	if err != nil {
		return err
	}
	const qr = 24.0
	drawQR(f, bits, pageW-margin-10-qr, foot-qr, qr)
	textX := pageW - margin - 10 - qr - 4 - 80
	f.SetFont(font, "B", 8)
	vy := drawLines(f, []string{p.VerifyCode}, textX, foot-qr, 80, 4, "R")
	f.SetFont(font, "", 7)
	f.SetTextColor(80, 80, 80)
	drawLines(f, []string{p.VerifyNote, p.VerifyURL}, textX, vy, 80, 3.4, "R")
	f.SetTextColor(0, 0, 0)
	if err := f.Error(); err != nil {
		return err
	}
	return f.Output(w)
}
