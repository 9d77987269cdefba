package main

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var writeDocs = flag.Bool("docs.write", false, "write the README's screenshots into docs/")

// TestScreenshots takes the README's pictures of the pages people meet
// most: the form with its errors, the private page, an organiser's view
// of a registration, and the desk after a check-in. Each is checked to be
// a picture of the page asked for; with -docs.write they replace the ones
// in docs/.
//
//	go test -run TestScreenshots -docs.write .
func TestScreenshots(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t, "en")
	db := filepath.Join(t.TempDir(), "shots.db")
	if err := run(context.Background(), []string{"demo", "--db", db, "--registrations", "30", "--seed", "11"},
		func(string) string { return "" }, nil, os.Stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
	base, rs := startServerWithOutput(t, map[string]string{"DELEGATE_DB": db})
	defer rs.stop()
	body := `{"title":"H.E.","given_names":"Ndèye Aminata","family_name":"Diop","email":"aminata.diop@example.sn","organisation":"Ville de Dakar",` +
		`"job_title":"Adjointe au maire","country":"SN","category":"mayor","gnlc":"interested","language":"fr","consent_privacy":true,` +
		`"arrival_date":"2015-09-27","arrival_flight":"AF 178","departure_date":"2015-10-01","dietary":["halal"]}`
	reference, private := registerOverAPI(t, base, body)

	shots := []struct {
		file, want string
		width      int64
		do         chromedp.Tasks
	}{
		{"register-errors-es.png", "Nombre(s): Este campo es obligatorio.", 1000, chromedp.Tasks{
			chromedp.Navigate(base + "/register?lang=es"), chromedp.Click(`form.form button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#form-errors`, chromedp.ByQuery)}},
		{"private-page-fr.png", "Votre inscription", 420, chromedp.Tasks{chromedp.Navigate(base + private + "?lang=fr")}},
		{"admin-registration.png", "Registration details", 1280, chromedp.Tasks{
			chromedp.Navigate(base + rs.setupPath(t)), firstAdmin,
			chromedp.Navigate(base + "/admin/registrations/" + reference + "?lang=en"),
			chromedp.Click(`form[action$="/approve"] button`, chromedp.ByQuery), chromedp.WaitVisible(`.notice.ok`, chromedp.ByQuery)}},
		{"desk.png", "Find by name", 1000, chromedp.Tasks{
			chromedp.Navigate(base + "/admin/checkin?lang=en"),
			chromedp.SendKeys(`#desk-name`, "Main hall", chromedp.ByQuery),
			chromedp.Click(`form[action="/admin/checkin/desk"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`#desk[data-synced]`, chromedp.ByQuery),
			chromedp.Navigate(base + "/admin/checkin?lang=en&q=diop"),
			chromedp.Click(`.found form button`, chromedp.ByQuery), chromedp.WaitVisible(`.outcome`, chromedp.ByQuery)}},
	}
	for _, s := range shots {
		var pic []byte
		var text string
		err := chromedp.Run(ctx, chromedp.EmulateViewport(s.width, 900), s.do,
			chromedp.Text("main", &text, chromedp.ByQuery), chromedp.FullScreenshot(&pic, 100))
		if err != nil {
			t.Fatalf("%s: %v", s.file, err)
		}
		img, err := png.Decode(bytes.NewReader(pic))
		if err != nil || img.Bounds().Dx() != int(s.width) || !strings.Contains(text, s.want) {
			t.Fatalf("%s: %v, %v wide, page has %q: %v", s.file, err, img.Bounds().Dx(), s.want, strings.Contains(text, s.want))
		}
		if *writeDocs {
			if err := os.WriteFile(filepath.Join("docs", s.file), pic, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
