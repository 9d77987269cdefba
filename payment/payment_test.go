package payment_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"delegate/payment"
	"delegate/payment/stripemock"
)

func TestCheckoutAgainstStripeMock(t *testing.T) {
	t.Parallel()
	c := payment.New("sk_test_123", "whsec_test", stripemock.Start(t))
	id, url, err := c.CreateCheckout(context.Background(), payment.Checkout{Reference: "ICLC-ABC234", Email: "huong@example.vn",
		Description: "ICLC 2015 fee", Amount: 10000, Currency: "usd", Locale: "en",
		SuccessURL: "https://iclc.example.org/r/t?paid=1", CancelURL: "https://iclc.example.org/r/t"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, "cs_") || !strings.HasPrefix(url, "https://checkout.stripe.com/") {
		t.Errorf("session %q at %q", id, url)
	}
}

// signed makes a webhook payload as Stripe signs it.
func signed(t *testing.T, secret string, event map[string]any) ([]byte, string) {
	t.Helper()
	body, _ := json.Marshal(event)
	p := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: time.Now()})
	return p.Payload, p.Header
}

func TestParseEvents(t *testing.T) {
	t.Parallel()
	c := payment.New("sk_test_123", "whsec_test", "")
	body, sig := signed(t, "whsec_test", map[string]any{"id": "evt_1", "object": "event", "type": "checkout.session.completed",
		"data": map[string]any{"object": map[string]any{"object": "checkout.session", "id": "cs_1", "client_reference_id": "ICLC-ABC234",
			"payment_status": "paid", "amount_total": 10000, "currency": "usd", "payment_intent": "pi_1"}}})
	ev, err := c.ParseEvent(body, sig)
	if err != nil || !ev.Paid || ev.Reference != "ICLC-ABC234" || ev.Amount != 10000 || ev.PaymentIntent != "pi_1" {
		t.Errorf("completed checkout: %+v %v", ev, err)
	}
	if _, err := c.ParseEvent(body, strings.Replace(sig, "v1=", "v1=0", 1)); !errors.Is(err, payment.ErrSignature) {
		t.Errorf("forged signature: %v", err)
	}
	body, sig = signed(t, "whsec_test", map[string]any{"id": "evt_2", "object": "event", "type": "charge.refunded",
		"data": map[string]any{"object": map[string]any{"object": "charge", "id": "ch_1", "amount_refunded": 10000, "currency": "usd",
			"metadata": map[string]string{"reference": "ICLC-ABC234"}}}})
	if ev, err := c.ParseEvent(body, sig); err != nil || ev.Reference != "ICLC-ABC234" || ev.Amount != 10000 {
		t.Errorf("refund: %+v %v", ev, err)
	}
}
