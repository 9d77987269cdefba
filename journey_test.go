package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stripe/stripe-go/v76/webhook"

	"delegate/payment/stripemock"
	"delegate/pdf/pdftest"
	"delegate/store"
)

// TestSpanishJourneyInABrowser walks the whole journey in Chromium, in
// Spanish: a city official registers through /register (a wrong passport
// expiry first: the Spanish message, what was typed kept), opens the
// private page; an organiser signs in with a passkey and approves; the
// delegate pays through Stripe (stripe-mock, and Stripe's signed event)
// and downloads the letter; the organiser checks the delegate in at the
// desk page offline, and the check-in reaches the server online.
func TestSpanishJourneyInABrowser(t *testing.T) {
	t.Parallel()
	delegate, organiser := newBrowserFor(t, "es", 3*time.Minute), newBrowserFor(t, "en", 3*time.Minute)
	const hookSecret = "whsec_journey"
	dbPath, secret := filepath.Join(t.TempDir(), "journey.db"), strings.Repeat("ab", 32)
	db, err := openCampaignStore(dbPath, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := db.Settings()
	s.Signatory.Name = "Test Signatory" // letters go out once there is one
	if _, err := db.UpdateSettings(context.Background(), store.System, s); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// a passkey belongs to a domain: the browsers reach the server as localhost
	port := freePort(t)
	base, srv := startServerWithOutput(t, map[string]string{"DELEGATE_DB": dbPath, "DELEGATE_SECRET": secret,
		"DELEGATE_ADDR": "127.0.0.1:" + port, "DELEGATE_BASE_URL": "http://localhost:" + port,
		"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": hookSecret, "STRIPE_API_BASE": stripemock.Start(t)})
	defer srv.stop()
	base = strings.Replace(base, "127.0.0.1", "localhost", 1)

	// 1. the delegate registers, in Spanish, a wrong field first
	var errText, given, status, private, reference string
	err = chromedp.Run(delegate,
		chromedp.Navigate(base+"/register?lang=es"),
		chromedp.WaitVisible(`#given_names`, chromedp.ByQuery),
		fill(`#given_names`, "María José", `#family_name`, "Quispe Mamani", `#email`, "mjquispe@example.bo",
			`#organisation`, "Gobierno Autónomo Municipal de La Paz", `#job_title`, "Directora de Educación"),
		choose(`#country`, "BO", `#category`, "city_official"),
		chromedp.Click(`#invitation_letter`, chromedp.ByQuery),
		fill(`#passport_family_name`, "QUISPE MAMANI", `#passport_given_names`, "MARIA JOSE", `#passport_number`, "BO5566778"),
		choose(`#nationality`, "BO", `#passport_expiry`, "2016-01-31", `#date_of_birth`, "1975-08-06"),
		chromedp.Click(`#consent_privacy`, chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#passport_expiry-error`, chromedp.ByQuery),
		chromedp.Text(`#passport_expiry-error`, &errText, chromedp.ByQuery),
		chromedp.Value(`#given_names`, &given, chromedp.ByQuery),
		chromedp.SetValue(`#passport_expiry`, "2020-03-31", chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.status .big`, chromedp.ByQuery),
		chromedp.Text(`.status .big`, &status, chromedp.ByQuery),
		chromedp.Text(`.details code`, &reference, chromedp.ByQuery),
		chromedp.Location(&private),
	)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	if !strings.Contains(errText, "Su pasaporte debe ser válido al menos hasta el") || given != "María José" {
		t.Errorf("the wrong field: %q, typed name kept as %q", errText, given)
	}
	if status != "Pendiente de aprobación" || !strings.Contains(private, "/r/") {
		t.Fatalf("private page: %q at %s", status, private)
	}
	private, _, _ = strings.Cut(private, "?")

	// 2. the organiser signs in with a passkey and approves
	if err := chromedp.Run(organiser, authenticator(nil)); err != nil {
		t.Fatalf("virtual authenticator: %v", err)
	}
	var approved string
	err = chromedp.Run(organiser,
		chromedp.Navigate(base+srv.setupPath(t)), firstAdmin,
		chromedp.Navigate(base+"/admin/account"),
		chromedp.SendKeys(`#name`, "Desk laptop", chromedp.ByQuery),
		chromedp.Click(`form[data-passkey] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`td.passkey-name`, chromedp.ByQuery),
		signOutAndIn,
		chromedp.WaitVisible(`#use-passkey`, chromedp.ByQuery),
		chromedp.Click(`#use-passkey`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
		chromedp.Navigate(base+"/admin/registrations/"+reference+"?lang=en"),
		chromedp.Click(`form[action$="/approve"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice.ok`, chromedp.ByQuery),
		chromedp.Text(`.tag`, &approved, chromedp.ByQuery),
	)
	if err != nil || approved != "Approved" {
		t.Fatalf("the organiser with a passkey: %q %v", approved, err)
	}

	// 3. the delegate pays: Checkout at stripe-mock, then Stripe's event
	var payLink string
	err = chromedp.Run(delegate, chromedp.Navigate(private),
		chromedp.WaitVisible(`a[href$="/pay"]`, chromedp.ByQuery),
		chromedp.AttributeValue(`a[href$="/pay"]`, "href", &payLink, nil, chromedp.ByQuery))
	if err != nil {
		t.Fatalf("pay button: %v", err)
	}
	live, err := openCampaignStore(dbPath, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	r, _ := live.FindRegistration(context.Background(), reference)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(base + payLink) // what the button does: a session at Stripe, and there
	if err != nil || resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "https://checkout.stripe.com/") {
		t.Fatalf("checkout: %v %v", err, resp)
	}
	resp.Body.Close()
	event, _ := json.Marshal(map[string]any{"id": "evt_journey", "object": "event", "type": "checkout.session.completed",
		"data": map[string]any{"object": map[string]any{"object": "checkout.session", "id": "cs_journey",
			"client_reference_id": reference, "payment_status": "paid", "amount_total": r.Fee.Amount, "currency": strings.ToLower(r.Fee.Currency), "payment_intent": "pi_journey"}}})
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: event, Secret: hookSecret, Timestamp: time.Now()})
	req, _ := http.NewRequest("POST", base+"/stripe/webhook", strings.NewReader(string(signed.Payload)))
	req.Header.Set("Stripe-Signature", signed.Header)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("Stripe's event: %v %v", err, resp)
	}
	var thanks, letterLink string
	err = chromedp.Run(delegate, chromedp.Navigate(private+"?paid=1"),
		chromedp.WaitVisible(`a[href$="/letter.pdf"]`, chromedp.ByQuery),
		chromedp.Text(`.notice`, &thanks, chromedp.ByQuery),
		chromedp.AttributeValue(`a[href$="/letter.pdf"]`, "href", &letterLink, nil, chromedp.ByQuery))
	if err != nil || !strings.Contains(thanks, "hemos recibido su pago") {
		t.Fatalf("after paying: %q %v", thanks, err)
	}
	resp, err = http.Get(base + letterLink)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("letter: %v %v", err, resp)
	}
	letter, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if text := pdftest.OneLine(t, letter); !strings.Contains(text, "QUISPE MAMANI") || !strings.Contains(text, "BO5566778") {
		t.Errorf("the letter lacks the passport's name or number: %s", text)
	}

	// 4. the desk, offline then online
	r, _ = live.FindRegistration(context.Background(), reference)
	err = chromedp.Run(organiser,
		chromedp.Navigate(base+"/admin/checkin"),
		chromedp.SendKeys(`#desk-name`, "Entrada principal", chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/checkin/desk"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#desk[data-synced]`, chromedp.ByQuery),
		offline(true), waitText("#net", "Offline"),
		scanCode(live.CheckinCode(r)), waitText("#outcome", "Checked in. Welcome!"),
		waitText("#net", "1 waiting"),
		offline(false), synced)
	if err != nil {
		t.Fatalf("the desk: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if got, _ := live.FindRegistration(context.Background(), reference); got.CheckedInAt != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the check-in made offline never reached the server")
		}
	}
}
