package handlers_test

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"delegate/pdf/pdftest"
	"delegate/photo/phototest"
	"delegate/store"
)

// TestPhotoBadges: a category asks for a photo; the delegate uploads one
// on the private page (a renamed text file is refused); it comes back
// without its location, is sealed on disk, prints on the badge, shows at
// the desk, and goes with the passport data.
func TestPhotoBadges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	s := e.db.Settings()
	for i := range s.Categories {
		s.Categories[i].Photo = s.Categories[i].Code == "speaker"
	}
	if _, err := e.db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	page, ref := e.privateLink(t, with(valid("photo@example.org"), "category", "speaker", "language", "en"))
	if body := e.do(t, request{method: "GET", path: page}).Body.String(); !strings.Contains(body, "Your photo for the badge") ||
		!strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Fatal("the private page asks for no photo")
	}
	rec := e.postFile(t, "photo", page+"/photo", "photo.jpg", []byte("Dear organisers, my photo follows by post.\n"), nil)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "This file is not a JPEG or PNG photo.") {
		t.Errorf("a renamed text file: %d", rec.Code)
	}
	r, _ := e.db.FindRegistration(ctx, ref)
	if _, err := e.db.Photo(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused upload left a photo: %v", err)
	}
	if rec := e.postFile(t, "photo", page+"/photo", "IMG_2041.JPG", phototest.WithLocation(), nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", rec.Code, clip(rec.Body.String()))
	}
	if body := e.do(t, request{method: "GET", path: page + "?photo=saved"}).Body.String(); !strings.Contains(body, "your photo is saved") ||
		!strings.Contains(body, `/photo.jpg"`) {
		t.Errorf("the private page does not show the photo")
	}
	got := e.do(t, request{method: "GET", path: page + "/photo.jpg"})
	clean := got.Body.Bytes()
	if _, err := jpeg.Decode(bytes.NewReader(clean)); err != nil || got.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("the photo back: %v, %q", err, got.Header().Get("Cache-Control"))
	}
	if bytes.Contains(clean, []byte(phototest.Location)) || bytes.Contains(clean, []byte("Exif")) {
		t.Error("the photo kept its EXIF location")
	}
	for _, f := range []string{e.path, e.path + "-wal"} {
		disk, _ := os.ReadFile(f)
		if bytes.Contains(disk, clean[:64]) || bytes.Contains(disk, clean[len(clean)-64:]) {
			t.Errorf("%s holds the photo in the clear", f)
		}
	}
	// on the badge, rendered; at the desk, beside the name
	badge := e.do(t, request{method: "GET", path: "/admin/registrations/" + ref + "/badge.pdf", role: "", session: e.login(t, "desk")})
	if n := pdftest.Images(t, badge.Body.Bytes()); n != 1 {
		t.Errorf("the badge has %d images, want the photo", n)
	}
	if codes := pdftest.QRCodes(t, badge.Body.Bytes(), "1"); len(codes) != 1 || codes[0] != e.db.CheckinCode(r) {
		t.Errorf("the badge with a photo: QR %v", codes)
	}
	desk := e.login(t, "desk")
	scan := e.do(t, request{method: "POST", path: "/admin/checkin?lang=en", session: desk, form: url.Values{"code": {e.db.CheckinCode(r)}}})
	if !strings.Contains(scan.Body.String(), "/admin/registrations/"+ref+"/photo.jpg") {
		t.Error("the check-in answer does not show the photo")
	}
	if rec := e.do(t, request{method: "GET", path: "/admin/checkin/roster", session: desk}); !strings.Contains(rec.Body.String(), `"ph":true,"pp":true`) {
		t.Errorf("the roster does not say the photo is on file: %s", clip(rec.Body.String()))
	}
	// the desk's camera: a JSON answer
	rec = e.postFile(t, "photo", "/admin/registrations/"+ref+"/photo", "desk.jpg", []byte("not a picture"),
		map[string]string{"Accept": "application/json", "Cookie": "delegate_admin=" + desk})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"photo":"This file is not a JPEG or PNG photo."`) {
		t.Errorf("the desk's upload of a bad file: %d %s", rec.Code, rec.Body.String())
	}
	// a category without photos takes none
	other, _ := e.privateLink(t, with(valid("nophoto@example.org"), "category", "mayor", "language", "en"))
	if rec := e.postFile(t, "photo", other+"/photo", "p.jpg", phototest.WithLocation(), nil); rec.Code != http.StatusConflict {
		t.Errorf("a photo for a category without: %d", rec.Code)
	}
	if _, err := e.db.PurgePassports(ctx, store.System); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Photo(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the photo outlived the passport purge: %v", err)
	}
}
