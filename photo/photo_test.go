package photo

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"testing"

	"delegate/photo/phototest"
)

func TestCleanStripsMetadataAndTurnsUpright(t *testing.T) {
	in := phototest.WithLocation()
	if orientation(in) != 6 || !bytes.Contains(in, []byte(phototest.Location)) {
		t.Fatal("the test picture has no EXIF orientation or location")
	}
	out, err := Clean(in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("Exif")) || bytes.Contains(out, []byte(phototest.Location)) {
		t.Error("the cleaned photo still carries the EXIF location")
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height {
		t.Errorf("size %v, want %d×%d", b, Width, Height)
	}
	// turned a quarter clockwise: the left (red) is now the top
	top, bottom := img.At(Width/2, 20), img.At(Width/2, Height-20)
	if r, _, b, _ := top.RGBA(); r < b {
		t.Errorf("top is %v, want red: the photo was not turned upright", top)
	}
	if r, _, b, _ := bottom.RGBA(); b < r {
		t.Errorf("bottom is %v, want blue", bottom)
	}
}

func TestCleanRefusesWhatIsNotAPhoto(t *testing.T) {
	for name, data := range map[string][]byte{
		"a text file named photo.jpg": []byte("Dear organisers, here is my photo.\n"),
		"a PDF":                       []byte("%PDF-1.4\n1 0 obj\n"),
		"a cut JPEG":                  phototest.WithLocation()[:600],
	} {
		if _, err := Clean(data); !errors.Is(err, ErrNotImage) {
			t.Errorf("%s: %v, want ErrNotImage", name, err)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 60, 80)), nil)
	if _, err := Clean(b.Bytes()); !errors.Is(err, ErrTooSmall) {
		t.Errorf("a thumbnail: %v, want ErrTooSmall", err)
	}
}
