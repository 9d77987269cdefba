package pdf_test

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/jung-kurt/gofpdf"

	"delegate/pdf"
)

func thousand() []pdf.Badge {
	out := make([]pdf.Badge, 1000)
	for i := range out {
		b := people[i%len(people)]
		b.Reference = fmt.Sprintf("ICLC-%06d", i)
		b.Code = fmt.Sprintf("ICLC-%06d-1-ABCDEFGHJKLM", i)
		out[i] = b
	}
	return out
}

// peakHeap samples the heap while fn runs and returns the most seen.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return peak.Load()
}

// BenchmarkBadges1000 is 1,000 badges in one a4-4up print job.
func BenchmarkBadges1000(b *testing.B) {
	badges := thousand()
	var peak uint64
	for b.Loop() {
		peak = max(peak, peakHeap(func() {
			if err := pdf.WriteBadges(io.Discard, pdf.A4Up4, badges); err != nil {
				b.Fatal(err)
			}
		}))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkRawGofpdf1000 draws the same text of 1,000 badges, four to an
// A4 page, with plain gofpdf calls: no fitting, no QR codes. It is the
// yardstick for BenchmarkBadges1000.
func BenchmarkRawGofpdf1000(b *testing.B) {
	badges := thousand()
	for b.Loop() {
		f := gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "mm", Size: gofpdf.SizeType{Wd: 210, Ht: 297}})
		f.AddUTF8FontFromBytes("dejavu", "", dejavusans.TTF)
		f.AddUTF8FontFromBytes("dejavu", "B", dejavusansbold.TTF)
		for i, bd := range badges {
			if i%4 == 0 {
				f.AddPage()
			}
			x, y := float64(i%2)*105, float64(i%4/2)*148.5
			f.SetFont("dejavu", "B", 24)
			f.Text(x+8, y+50, bd.Name)
			f.SetFont("dejavu", "", 11)
			f.Text(x+8, y+60, bd.Organisation)
			f.Text(x+8, y+66, bd.Country)
			f.Text(x+8, y+110, bd.Reference)
			f.Text(x+8, y+140, bd.Category)
		}
		if err := f.Output(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOneBadge is a delegate downloading their badge.
func BenchmarkOneBadge(b *testing.B) {
	for b.Loop() {
		if err := pdf.WriteBadges(io.Discard, pdf.A6, people[:1]); err != nil {
			b.Fatal(err)
		}
	}
}
