package main

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"delegate/store"
)

// qrStub stands in for the browser's own QR reader, which desktop
// Chromium on Linux does not have (Chrome on Android and macOS do): it
// answers with the code in window.__qr, and only for a video that is
// playing frames from the camera, as the real one would.
const qrStub = `window.BarcodeDetector = class {
  constructor(o) { window.__qrFormats = (o && o.formats) || []; }
  detect(source) {
    const live = source instanceof HTMLVideoElement && source.videoWidth > 0 && !source.paused;
    window.__qrLooks = (window.__qrLooks || 0) + (live ? 1 : 0);
    return Promise.resolve(live && window.__qr ? [{ rawValue: window.__qr, format: "qr_code" }] : []);
  }
};`

// TestDeskCameraInABrowser scans a badge with the camera (Chromium's fake
// camera, a stand-in for its QR reader): the desk checks the delegate in
// once, reads the same badge still in view again only after 3 s, and
// stops the camera when told. Then the desk takes the delegate's badge
// photo with the camera, which the server keeps as a 450 × 600 JPEG;
// offline the answer says a photo is on file without showing one (16.2,
// 16.4).
func TestDeskCameraInABrowser(t *testing.T) {
	t.Parallel()
	desk := newBrowser(t, "en")
	dbPath := filepath.Join(t.TempDir(), "camera.db")
	secret := strings.Repeat("cd", 32)
	db, err := openCampaignStore(dbPath, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := db.Settings()
	for i := range s.Categories {
		s.Categories[i].Photo = s.Categories[i].Code == "speaker"
	}
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	r, err := db.CreateRegistration(ctx, store.System, store.Details{GivenNames: "Wanjiru", FamilyName: "Kamau", Email: "w.kamau@example.ke",
		Organisation: "Kenya National Commission for UNESCO", JobTitle: "Programme Officer", Country: "KE", Category: "speaker",
		Language: "en", ConsentPrivacy: true})
	if err != nil {
		t.Fatal(err)
	}
	code := db.CheckinCode(r)
	db.Close()
	base, srv, db := serveStore(t, dbPath, secret)

	var stop string
	var formats []string
	err = chromedp.Run(desk,
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(qrStub).Do(ctx)
			return err
		}),
		openDesk(base, base+srv.setupPath(t), "Gate 1", false),
		chromedp.WaitVisible(`#camera`, chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf("window.__qr = %q", code), nil),
		chromedp.Click(`#camera`, chromedp.ByQuery),
		waitText("#outcome", "Checked in. Welcome!"),
		chromedp.Text(`#camera`, &stop, chromedp.ByQuery),
		chromedp.Evaluate(`window.__qrFormats`, &formats),
	)
	if err != nil {
		t.Fatalf("scan with the camera: %v", err)
	}
	if stop != "Stop the camera" || strings.Join(formats, ",") != "qr_code" {
		t.Errorf("while scanning the button reads %q, the reader looks for %v", stop, formats)
	}
	time.Sleep(1500 * time.Millisecond) // the badge is still in view
	if scans, _ := db.RecentScans(ctx, "Gate 1", 20); len(scans) != 1 || scans[0].Outcome != "ok" {
		t.Fatalf("after 1.5 s with the badge in view: %d scans, want one check-in", len(scans))
	}
	var stopped bool
	err = chromedp.Run(desk,
		waitText("#outcome", "Already checked in today"), // read again after 3 s
		chromedp.Click(`#camera`, chromedp.ByQuery),
		chromedp.Poll(`(v => v.hidden && v.srcObject.getTracks().every(t => t.readyState === "ended"))(document.querySelector("#camera-view"))`,
			&stopped, chromedp.WithPollingTimeout(5*time.Second)),
	)
	if err != nil {
		t.Fatalf("the badge read again, then the camera stopped: %v", err)
	}
	var looks int
	chromedp.Run(desk, chromedp.Sleep(time.Second), chromedp.Evaluate(`window.__qrLooks`, &looks))
	var after int
	chromedp.Run(desk, chromedp.Sleep(time.Second), chromedp.Evaluate(`window.__qrLooks`, &after))
	if after != looks {
		t.Errorf("the camera still reads after it was stopped (%d looks, then %d)", looks, after)
	}

	// the badge photo, taken with the camera at the desk
	err = chromedp.Run(desk,
		chromedp.Click(`.take-photo button`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelector(".take-photo video").videoWidth > 0`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		waitText(".take-photo button", "Capture"),
		chromedp.Click(`.take-photo button`, chromedp.ByQuery),
		waitText(".take-photo", "Photo saved."),
	)
	if err != nil {
		t.Fatalf("take the photo: %v", err)
	}
	// offline the desk knows there is a photo but holds none (photos are
	// sealed like passport data), and says to compare with an ID
	var shown int
	// the roster hears of the photo when it refreshes (on coming back
	// online, and every 30 s)
	kept := fmt.Sprintf(`new Promise(done => { const o = indexedDB.open("delegate-desk"); o.onsuccess = () => {
		const g = o.result.transaction("roster").objectStore("roster").get(%q); g.onsuccess = () => done(!!(g.result && g.result.ph)); }; })`, r.Reference)
	for i := 0; ; i++ {
		var has bool
		if err := chromedp.Run(desk, offline(true), waitText("#net", "Offline"), offline(false), synced, chromedp.Sleep(300*time.Millisecond),
			awaited(kept, &has)); err != nil {
			t.Fatal(err)
		}
		if has {
			break
		}
		if i == 20 {
			t.Fatal("the roster never heard of the photo")
		}
	}
	err = chromedp.Run(desk,
		offline(true), waitText("#net", "Offline"),
		scanCode(code), waitText("#outcome", "Photo on file, not kept on this desk"),
		chromedp.Evaluate(`document.querySelectorAll("#outcome img").length`, &shown),
		offline(false), synced,
	)
	if err != nil || shown != 0 {
		t.Errorf("the answer offline for a delegate with a photo: %d images, %v", shown, err)
	}
	photo, err := db.Photo(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(photo))
	if err != nil {
		t.Fatalf("the photo kept is not a JPEG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 450 || b.Dy() != 600 {
		t.Errorf("the photo kept is %v, want 450 × 600", b)
	}
}
