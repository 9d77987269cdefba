package handlers_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"delegate/pdf/pdftest"
	"delegate/store"
)

// pngOf is a small signature-like PNG of w × h pixels.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for x := range w {
		img.SetGray(x, h/2+int(float64(h/3)*math.Sin(float64(x)/7)), color.Gray{})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts a file as the settings page's signature form does.
func (e *env) upload(t *testing.T, session, name string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	return e.postFile(t, "signature", "/admin/settings/signature?lang=en", name, data, map[string]string{"Cookie": "delegate_admin=" + session})
}

// TestSignatureOnLetters: an admin uploads the signatory's signature,
// checked by content and size, and letters print it.
func TestSignatureOnLetters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	admin := e.login(t, "admin")
	flash := func() string {
		return e.do(t, request{method: "GET", path: "/admin/settings?lang=en", session: admin}).Body.String()
	}
	if rec := e.upload(t, admin, "signature.png", []byte("not a PNG, whatever the name says")); rec.Code != http.StatusSeeOther || !strings.Contains(flash(), "Choose a PNG image.") {
		t.Errorf("a text file named .png: %d", rec.Code)
	}
	if rec := e.upload(t, admin, "big.png", bytes.Repeat([]byte{0x89}, 50<<10)); rec.Code != http.StatusSeeOther || !strings.Contains(flash(), "over 48 KB") {
		t.Errorf("a 50 KB file: %d", rec.Code)
	}
	if rec := e.upload(t, admin, "huge.png", bytes.Repeat([]byte{0x89}, 1<<20)); rec.Code != http.StatusSeeOther || !strings.Contains(flash(), "over 48 KB") {
		t.Errorf("a 1 MB file: %d", rec.Code)
	}
	if rec := e.upload(t, admin, "signature.png", pngOf(t, 300, 90)); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d", rec.Code)
	}
	if page := flash(); !strings.Contains(page, "The signature is saved") || !strings.Contains(page, `src="/admin/settings/signature.png"`) {
		t.Error("the settings page does not show the signature")
	}
	if rec := e.do(t, request{method: "GET", path: "/admin/settings/signature.png", session: admin}); rec.Code != 200 || rec.Header().Get("Content-Type") != "image/png" {
		t.Errorf("signature image: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	link, ref := e.privateLink(t, valid("signed@example.sn"))
	e.db.ApproveRegistration(context.Background(), store.System, ref)
	letter := e.do(t, request{method: "GET", path: link + "/letter.pdf"})
	if letter.Code != 200 {
		t.Fatalf("letter: %d", letter.Code)
	}
	if n := pdftest.Images(t, letter.Body.Bytes()); n != 2 {
		t.Errorf("the letter (French and Spanish pages) holds %d images, want the signature on each", n)
	}
	if !strings.Contains(pdftest.OneLine(t, letter.Body.Bytes()), testSignatory) {
		t.Error("the letter lacks the signatory's name")
	}
}
