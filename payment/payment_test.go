package payment_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
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

// A refund goes to Stripe's API (stripe-mock) for all or part of a
// payment, with the idempotency key and the reference it was given.
func TestRefundAgainstStripeMock(t *testing.T) {
	t.Parallel()
	target, err := url.Parse(stripemock.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []http.Header
	var forms []url.Values
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		mu.Lock()
		seen, forms = append(seen, r.Header.Clone()), append(forms, form)
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	c := payment.New("sk_test_123", "whsec_test", front.URL)
	for i, amount := range []int64{10000, 2500} {
		key := "refund-" + strconv.Itoa(i+1)
		r, err := c.Refund(context.Background(), "pi_123", amount, key, "ICLC-ABC234")
		if err != nil {
			t.Fatalf("refund of %d: %v", amount, err)
		}
		if !strings.HasPrefix(r.ID, "re_") {
			t.Errorf("refund id %q", r.ID)
		}
		mu.Lock()
		h, f := seen[len(seen)-1], forms[len(forms)-1]
		mu.Unlock()
		if h.Get("Idempotency-Key") != key || f.Get("amount") != strconv.FormatInt(amount, 10) || f.Get("payment_intent") != "pi_123" ||
			f.Get("metadata[reference]") != "ICLC-ABC234" {
			t.Errorf("refund %d sent key %q, form %v", i+1, h.Get("Idempotency-Key"), f)
		}
	}
}
