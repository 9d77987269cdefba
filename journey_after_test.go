package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"delegate/clock"
	"delegate/pdf/pdftest"
	"delegate/store"
)

// TestAfterTheConferenceInABrowser walks journey 12 in Chromium: a
// delegate who attended downloads her certificate of participation, sees
// and downloads everything held about her (her passport number only
// there), and asks for erasure; an organiser confirms it on the erasure
// requests page. Her private link then opens nothing, her certificate
// verifies as withdrawn, and the count of those who attended is the same.
func TestAfterTheConferenceInABrowser(t *testing.T) {
	t.Parallel()
	delegate, organiser := newBrowser(t, "en"), newBrowser(t, "en")
	dbPath, secret := filepath.Join(t.TempDir(), "after.db"), strings.Repeat("ef", 32)
	// registered in June, checked in on the first morning; the server
	// then runs on today's clock, long after the conference
	clk := clock.At(time.Date(2015, 6, 15, 12, 0, 0, 0, time.UTC))
	db, err := openCampaignStore(dbPath, secret, clk)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := db.Settings()
	s.Signatory.Name = "Test Signatory"
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	r, err := db.CreateRegistration(ctx, store.System, store.Details{GivenNames: "Amina", FamilyName: "Bello", Email: "amina.bello@example.ng",
		Organisation: "Lagos State Ministry of Education", JobTitle: "Permanent Secretary", Country: "NG", Category: "speaker",
		Language: "en", InvitationLetter: true, Nationality: "NG", PassportNumber: "A09876543", PassportExpiry: "2019-05-31",
		DateOfBirth: "1968-04-12", PassportFamilyName: "BELLO", PassportGivenNames: "AMINA", DietaryNotes: "no shellfish", ConsentPrivacy: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status == store.StatusPending {
		if r, err = db.ApproveRegistration(ctx, store.System, r.Reference); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(time.Date(2015, 9, 28, 15, 0, 0, 0, time.UTC))
	if _, err := db.CheckIn(ctx, store.System, store.CheckinRequest{Reference: r.Reference}); err != nil {
		t.Fatal(err)
	}
	before, _ := db.Stats(ctx)
	db.Close()
	base, srv := startServerWithOutput(t, map[string]string{"DELEGATE_DB": dbPath, "DELEGATE_SECRET": secret})
	defer srv.stop()
	private := base + "/r/" + r.ManageToken

	// the certificate, then her data, then the request for erasure
	var certHref, dataHref, eraseHref, page, asked string
	var copied map[string]any
	err = chromedp.Run(delegate,
		chromedp.Navigate(private+"?lang=en"),
		chromedp.WaitVisible(`a[href$="/certificate.pdf"]`, chromedp.ByQuery),
		chromedp.AttributeValue(`a[href$="/certificate.pdf"]`, "href", &certHref, nil, chromedp.ByQuery),
		chromedp.AttributeValue(`a[href$="/my-data"]`, "href", &dataHref, nil, chromedp.ByQuery),
		chromedp.AttributeValue(`a[href$="/erase"]`, "href", &eraseHref, nil, chromedp.ByQuery),
	)
	var cert []byte
	if err == nil { // following the page's links, the certificate first
		cert = get(t, base+certHref)
		err = chromedp.Run(delegate,
			chromedp.Navigate(base+dataHref),
			chromedp.Text(`main`, &page, chromedp.ByQuery),
			awaited(`fetch(location.pathname + ".json").then(r => r.json())`, &copied),
			chromedp.Navigate(base+eraseHref),
			chromedp.Click(`form[action$="/erase"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`.notice.ok`, chromedp.ByQuery),
			chromedp.Text(`.notice.ok`, &asked, chromedp.ByQuery),
		)
	}
	if err != nil {
		t.Fatalf("the delegate: %v", err)
	}
	if !strings.Contains(asked, "Your request is recorded.") {
		t.Errorf("after asking for erasure: %q", asked)
	}
	for _, want := range []string{"Everything we hold about you", "Amina", "Bello", "A09876543", "no shellfish", "Lagos State Ministry of Education"} {
		if !strings.Contains(page, want) {
			t.Errorf("her data page lacks %q", want)
		}
	}
	if b, _ := json.Marshal(copied); !strings.Contains(string(b), "A09876543") || !strings.Contains(string(b), r.Reference) {
		t.Errorf("her data as JSON lacks the passport number or the reference: %.300s", b)
	}
	if text := pdftest.OneLine(t, cert); !strings.Contains(text, "Amina Bello") {
		t.Errorf("the certificate does not name her: %s", text)
	}
	codes := pdftest.QRCodes(t, cert, "1")
	if len(codes) != 1 {
		t.Fatalf("the certificate has %d QR codes", len(codes))
	}
	verify, err := url.Parse(codes[0])
	if err != nil {
		t.Fatal(err)
	}
	if v := string(get(t, base+verify.Path+"?lang=en")); !strings.Contains(v, "Amina Bello") {
		t.Fatalf("the certificate before the erasure does not verify with her name")
	}

	// the organiser confirms the request
	var notice string
	err = chromedp.Run(organiser,
		chromedp.Navigate(base+srv.setupPath(t)), firstAdmin,
		chromedp.Navigate(base+"/admin/erasures?lang=en"),
		waitText("main", r.Reference),
		chromedp.Click(`form[action$="/erase"] button`, chromedp.ByQuery),
		chromedp.WaitReady(`input[name=confirm]`, chromedp.ByQuery),
		chromedp.Click(`form button.danger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice.ok`, chromedp.ByQuery),
		chromedp.Text(`.notice.ok`, &notice, chromedp.ByQuery),
	)
	if err != nil || !strings.Contains(notice, "erased") {
		t.Fatalf("the organiser confirms: %q %v", notice, err)
	}

	// nothing of her is left where she or a consul would look
	resp, err := http.Get(private)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("her private link after the erasure: %d", resp.StatusCode)
	}
	v := string(get(t, base+verify.Path+"?lang=en"))
	if !strings.Contains(v, "Withdrawn") || strings.Contains(v, "Bello") {
		t.Errorf("the certificate after the erasure does not verify as withdrawn, or still names her")
	}
	db, err = openCampaignStore(dbPath, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	after, _ := db.Stats(ctx)
	if after.CheckedIn != before.CheckedIn || after.Total != before.Total {
		t.Errorf("the counts moved: checked in %d → %d, total %d → %d", before.CheckedIn, after.CheckedIn, before.Total, after.Total)
	}
}

// get fetches url and returns its body, failing on anything but 200.
func get(t *testing.T, url string) []byte {
	t.Helper()
	client := http.Client{Timeout: 20 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return body
}
