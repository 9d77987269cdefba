// Package phototest makes the pictures photo tests upload.
package phototest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
)

// Location is the place the camera wrote into WithLocation's EXIF.
const Location = "GPS 19.4326N 99.1332W Zocalo"

// WithLocation is a JPEG of a landscape picture, red on the left and blue
// on the right, stored as a camera held on its side stores it (EXIF
// orientation 6), with Location in its EXIF.
func WithLocation() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 800, 400))
	for y := range 400 {
		for x := range 800 {
			c := color.RGBA{200, 20, 20, 255}
			if x >= 400 {
				c = color.RGBA{20, 20, 200, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, nil)
	tiff := []byte("II*\x00\x08\x00\x00\x00")
	tiff = binary.LittleEndian.AppendUint16(tiff, 1)
	tiff = append(tiff, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0)
	tiff = append(tiff, 0, 0, 0, 0)
	tiff = append(tiff, Location...)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := append([]byte{0xFF, 0xE1}, binary.BigEndian.AppendUint16(nil, uint16(len(seg)+2))...)
	app1 = append(app1, seg...)
	jpg := b.Bytes()
	return append(append(append([]byte{}, jpg[:2]...), app1...), jpg[2:]...)
}
