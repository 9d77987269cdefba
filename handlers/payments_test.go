package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"delegate/handlers"
	"delegate/payment"
	"delegate/payment/stripemock"
	"delegate/pdf/pdftest"
	"delegate/store"
)

// webhookPost is a Stripe event as Stripe would post it, signed.
func webhookPost(t *testing.T, e *env, event map[string]any, secret string) *httptest.ResponseRecorder {
	t.Helper()
	body, _ := json.Marshal(event)
	p := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: time.Now()})
	req := httptest.NewRequest("POST", "/stripe/webhook", strings.NewReader(string(p.Payload)))
	req.Header.Set("Stripe-Signature", p.Header)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func completed(id, ref string, amount int) map[string]any {
	return map[string]any{"id": id, "object": "event", "type": "checkout.session.completed",
		"data": map[string]any{"object": map[string]any{"object": "checkout.session", "id": "cs_" + id,
			"client_reference_id": ref, "payment_status": "paid", "amount_total": amount, "currency": "usd", "payment_intent": "pi_" + id}}}
}

// TestPayByCard walks journey 2: a city official with a fee and a visa
// letter pays through Stripe Checkout, Stripe's webhook marks the fee
// paid, the receipt and the letter follow; a repeated event does nothing.
func TestPayByCard(t *testing.T) {
	t.Parallel()
	const secret = "whsec_test_secret"
	base := stripemock.Start(t)
	e := newEnvWith(t, func(d *handlers.Deps) { d.Payments = payment.New("sk_test_123", secret, base) })
	ctx := context.Background()
	link, ref := e.privateLink(t, with(valid("huong@example.vn"), "category", "city_official", "language", "en",
		"given_names", "Nguyễn Thị", "family_name", "Hương", "country", "VN", "nationality", "VN", "hotel", "", "study_visit", ""))
	if _, err := e.db.ApproveRegistration(ctx, store.System, ref); err != nil {
		t.Fatal(err)
	}
	page := e.do(t, request{method: "GET", path: link + "?lang=en"}).Body.String()
	if !strings.Contains(page, "Pay USD 100.00 online") || strings.Contains(page, "letter.pdf") {
		t.Fatalf("before paying: the page should offer to pay and hold back the letter")
	}
	pay := e.do(t, request{method: "GET", path: link + "/pay"})
	if pay.Code != http.StatusSeeOther || !strings.HasPrefix(pay.Header().Get("Location"), "https://checkout.stripe.com/") {
		t.Fatalf("pay: %d to %q", pay.Code, pay.Header().Get("Location"))
	}

	if rec := webhookPost(t, e, completed("evt_1", ref, 10000), "whsec_wrong"); rec.Code != http.StatusBadRequest {
		t.Errorf("bad signature: %d", rec.Code)
	}
	for range 2 { // Stripe may send an event twice
		if rec := webhookPost(t, e, completed("evt_1", ref, 10000), secret); rec.Code != http.StatusOK {
			t.Fatalf("webhook: %d %s", rec.Code, rec.Body.String())
		}
	}
	r, _ := e.db.FindRegistration(ctx, ref)
	payments, _ := e.db.Payments(ctx, r.ID)
	if r.PaymentStatus != store.PaymentPaid || len(payments) != 1 || payments[0].ProviderRef != "pi_evt_1" {
		t.Fatalf("after the webhook: %s, %d payments", r.PaymentStatus, len(payments))
	}
	msgs, _ := e.db.FindOutbox(ctx, store.OutboxFilter{RegistrationID: r.ID})
	kinds := []string{}
	for _, m := range msgs {
		kinds = append(kinds, m.Kind)
	}
	if strings.Count(strings.Join(kinds, ","), store.MailPaid) != 1 || kinds[0] != store.MailLetterReady {
		t.Errorf("messages: %v (want one payment message, then the letter)", kinds)
	}
	page = e.do(t, request{method: "GET", path: link + "?paid=1&lang=en"}).Body.String()
	if !strings.Contains(page, "your payment is received") || !strings.Contains(page, "receipt.pdf") || !strings.Contains(page, "letter.pdf") {
		t.Errorf("after paying: the page lacks the thanks, the receipt or the letter")
	}
	receipt := e.do(t, request{method: "GET", path: link + "/receipt.pdf"})
	text := pdftest.OneLine(t, receipt.Body.Bytes())
	for _, want := range []string{"Receipt", "Nguyễn Thị Hương", ref, "Total paid: USD 100.00", "PAID · by card, online, on 15 June 2015", "Received from", "Ville de Dakar",
		"UNESCO Institute for Lifelong Learning (UIL) Feldbrunnenstr. 58", "Receipt no. 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q: %s", want, text)
		}
	}
	refund := map[string]any{"id": "evt_2", "object": "event", "type": "charge.refunded",
		"data": map[string]any{"object": map[string]any{"object": "charge", "id": "ch_1", "amount_refunded": 10000,
			"currency": "usd", "payment_intent": "pi_evt_1", "metadata": map[string]string{"reference": ref}}}}
	if rec := webhookPost(t, e, refund, secret); rec.Code != 200 {
		t.Fatalf("refund: %d", rec.Code)
	}
	r, _ = e.db.FindRegistration(ctx, ref)
	if _, err := e.db.CurrentLetter(ctx, r.ID); r.PaymentStatus != store.PaymentRefunded || err == nil {
		t.Errorf("after the refund: %s, letter still valid: %v", r.PaymentStatus, err == nil)
	}
	// an event for nobody, or of another type, is acknowledged and ignored
	for _, ev := range []map[string]any{completed("evt_3", "ICLC-NOBODY", 10000), {"id": "evt_4", "object": "event", "type": "customer.created", "data": map[string]any{"object": map[string]any{}}}} {
		if rec := webhookPost(t, e, ev, secret); rec.Code != 200 {
			t.Errorf("%v: %d", ev["id"], rec.Code)
		}
	}
}

func TestPaidAtTheDesk(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	link, ref := e.privateLink(t, with(valid("desk@example.org"), "category", "academia", "hotel", "", "study_visit", ""))
	if page := e.do(t, request{method: "GET", path: link + "?lang=en"}).Body.String(); strings.Contains(page, "/pay") {
		t.Error("without Stripe the page offers to pay online")
	}
	if rec := e.do(t, request{method: "GET", path: link + "/pay"}); rec.Code != 404 {
		t.Errorf("pay without Stripe: %d", rec.Code)
	}
	finance := e.login(t, "finance")
	rec := e.do(t, request{method: "POST", path: "/admin/registrations/" + ref + "/payment?lang=en", session: finance, form: url.Values{"status": {"paid"}}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("paid at the desk: %d", rec.Code)
	}
	r, _ := e.db.FindRegistration(ctx, ref)
	if r.PaymentStatus != store.PaymentPaid {
		t.Errorf("status %s", r.PaymentStatus)
	}
	detail := e.do(t, request{method: "GET", path: "/admin/registrations/" + ref + "?lang=en", session: finance}).Body.String()
	if !strings.Contains(detail, "At the registration desk") || !strings.Contains(detail, "user:finance@uil.example") {
		t.Error("the payment is not in the registration's page")
	}
	if rec := e.do(t, request{method: "POST", path: "/admin/registrations/" + ref + "/payment", session: finance, form: url.Values{"status": {"waived"}}}); rec.Code != http.StatusConflict {
		t.Errorf("waiving a paid fee: %d, want 409", rec.Code)
	}
	if text := pdftest.OneLine(t, e.do(t, request{method: "GET", path: link + "/receipt.pdf"}).Body.Bytes()); !strings.Contains(text, "PAYÉ · au comptoir d'accueil, le 15 juin 2015") || !strings.Contains(text, "75,00 USD") {
		t.Errorf("desk receipt: %s", text)
	}
}

// TestPaymentMustBeTheFeeDue: a payment of one cent, or in another
// currency, is kept but leaves the fee due, and finance sees it on the
// dashboard.
func TestPaymentMustBeTheFeeDue(t *testing.T) {
	t.Parallel()
	const secret = "whsec_test_secret"
	base := stripemock.Start(t)
	e := newEnvWith(t, func(d *handlers.Deps) { d.Payments = payment.New("sk_test_123", secret, base) })
	ctx := context.Background()
	_, ref := e.privateLink(t, with(valid("cent@example.org"), "category", "city_official", "hotel", "", "study_visit", ""))
	e.db.ApproveRegistration(ctx, store.System, ref)
	if rec := webhookPost(t, e, completed("evt_cent", ref, 1), secret); rec.Code != http.StatusOK {
		t.Fatalf("webhook: %d", rec.Code)
	}
	r, _ := e.db.FindRegistration(ctx, ref)
	pays, _ := e.db.Payments(ctx, r.ID)
	if r.PaymentStatus != store.PaymentUnpaid || len(pays) != 1 {
		t.Errorf("after a 1-cent payment: %s, %d payments recorded; want unpaid, 1 kept", r.PaymentStatus, len(pays))
	}
	dash := e.do(t, request{method: "GET", path: "/admin?lang=en", session: e.login(t, "finance")}).Body.String()
	if !strings.Contains(dash, "card payments to check") {
		t.Error("the dashboard does not flag the payment for finance")
	}
	if rec := webhookPost(t, e, completed("evt_right", ref, int(r.Fee.Amount)), secret); rec.Code != http.StatusOK {
		t.Fatal(rec.Code)
	}
	if r, _ := e.db.FindRegistration(ctx, ref); r.PaymentStatus != store.PaymentPaid {
		t.Errorf("the right amount afterwards: %s, want paid", r.PaymentStatus)
	}
}

// TestPartialRefund: part of a fee refunded through Stripe is recorded
// with its amount, and the fee stays paid.
func TestPartialRefund(t *testing.T) {
	t.Parallel()
	const secret = "whsec_test_secret"
	base := stripemock.Start(t)
	e := newEnvWith(t, func(d *handlers.Deps) { d.Payments = payment.New("sk_test_123", secret, base) })
	ctx := context.Background()
	_, ref := e.privateLink(t, with(valid("part@example.org"), "category", "city_official", "hotel", "", "study_visit", ""))
	e.db.ApproveRegistration(ctx, store.System, ref)
	r, _ := e.db.FindRegistration(ctx, ref)
	webhookPost(t, e, completed("evt_pay", ref, int(r.Fee.Amount)), secret)
	refund := map[string]any{"id": "evt_part", "object": "event", "type": "charge.refunded",
		"data": map[string]any{"object": map[string]any{"object": "charge", "id": "ch_1", "amount_refunded": 2500,
			"currency": "usd", "payment_intent": "pi_evt_pay", "metadata": map[string]any{"reference": ref}}}}
	if rec := webhookPost(t, e, refund, secret); rec.Code != http.StatusOK {
		t.Fatalf("refund webhook: %d", rec.Code)
	}
	r, _ = e.db.FindRegistration(ctx, ref)
	pays, _ := e.db.Payments(ctx, r.ID)
	last := pays[len(pays)-1]
	if r.PaymentStatus != store.PaymentPaid || last.Kind != store.PaymentRefunded || last.Amount != 2500 || last.Flagged != "partial_refund" {
		t.Errorf("after a partial refund: %s; last payment %+v", r.PaymentStatus, last)
	}
}
