// Package photo makes a delegate's photo fit for a badge: a JPEG or PNG
// by its content (never its name), turned upright as the camera said,
// cropped to a portrait and scaled, and written again as a plain JPEG that
// carries nothing of the original's metadata: no location, no camera, no
// time.
package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	_ "image/png" // decoded by content
	"net/http"

	"golang.org/x/image/draw"
)

// Limits of an upload.
const (
	MaxBytes  = 10 << 20 // an upload larger is refused before it is read whole
	maxPixels = 60_000_000
	minSide   = 120
)

// The size of a cleaned photo: a 3:4 portrait, enough for a badge printed
// at 300 dpi.
const (
	Width  = 450
	Height = 600
)

// Errors of a photo that cannot be used.
var (
	ErrNotImage = errors.New("photo: not a JPEG or PNG image")
	ErrTooSmall = errors.New("photo: too small to print")
	ErrTooLarge = errors.New("photo: too many pixels")
)

// Clean checks data is a JPEG or PNG image and returns it upright,
// cropped to 3:4 about its centre, scaled to Width × Height and encoded as
// a JPEG without metadata.
func Clean(data []byte) ([]byte, error) {
	switch http.DetectContentType(data) {
	case "image/jpeg", "image/png":
	default:
		return nil, ErrNotImage
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	switch {
	case err != nil:
		return nil, ErrNotImage
	case cfg.Width*cfg.Height > maxPixels:
		return nil, ErrTooLarge
	case cfg.Width < minSide || cfg.Height < minSide:
		return nil, ErrTooSmall
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotImage
	}
	img = upright(img, orientation(data))
	out := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.CatmullRom.Scale(out, out.Bounds(), img, portrait(img.Bounds()), draw.Src, nil)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, out, &jpeg.Options{Quality: 88}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// portrait is the largest 3:4 rectangle about r's centre.
func portrait(r image.Rectangle) image.Rectangle {
	w, h := r.Dx(), r.Dy()
	if w*4 > h*3 { // too wide: narrower
		cw := h * 3 / 4
		x := r.Min.X + (w-cw)/2
		return image.Rect(x, r.Min.Y, x+cw, r.Max.Y)
	}
	ch := w * 4 / 3
	y := r.Min.Y + (h-ch)/2
	return image.Rect(r.Min.X, y, r.Max.X, y+ch)
}

// upright turns img as EXIF orientation o says the camera held it (1:
// as stored; 3: upside down; 6 and 8: a quarter turn; the mirrored ones
// are taken as their turns).
func upright(img image.Image, o int) image.Image {
	turns := map[int]int{3: 2, 4: 2, 5: 1, 6: 1, 7: 3, 8: 3}[o] // quarter turns clockwise
	for range turns {
		b := img.Bounds()
		out := image.NewRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				out.Set(b.Max.Y-1-y, x-b.Min.X, img.At(x, y))
			}
		}
		img = out
	}
	return img
}

// orientation reads the EXIF orientation of a JPEG (1 when there is none).
func orientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(data) && data[i] == 0xFF; {
		marker, size := data[i+1], int(binary.BigEndian.Uint16(data[i+2:]))
		if marker == 0xDA || size < 2 || i+2+size > len(data) {
			return 1 // the image data: no EXIF before it
		}
		seg := data[i+4 : i+2+size]
		if marker == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + size
	}
	return 1
}

func tiffOrientation(t []byte) int {
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[ifd:]))
	for k := range n {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
		}
	}
	return 1
}
