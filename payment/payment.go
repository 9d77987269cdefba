// Package payment takes fees by card with Stripe Checkout and reads
// Stripe's signed webhook events. It speaks plain types and imports
// nothing of ours.
package payment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"github.com/stripe/stripe-go/v76/webhook"
)

// Client talks to Stripe, or to stripe-mock at another API base.
type Client struct {
	api           *client.API
	webhookSecret string
}

// New makes a client for a secret key; apiBase is empty for Stripe's own.
func New(secretKey, webhookSecret, apiBase string) *Client {
	cfg := &stripe.BackendConfig{
		HTTPClient:    &http.Client{Timeout: 30 * time.Second},
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelError},
	}
	if apiBase != "" {
		cfg.URL = stripe.String(apiBase)
	}
	return &Client{api: client.New(secretKey, stripe.NewBackendsWithConfig(cfg)), webhookSecret: webhookSecret}
}

// Checkout is one fee to pay.
type Checkout struct {
	Reference   string // the registration, carried in client_reference_id and metadata
	Email       string
	Description string
	Amount      int64 // minor units
	Currency    string
	Locale      string // en, es or fr
	SuccessURL  string
	CancelURL   string
}

// CreateCheckout opens a Stripe Checkout Session and returns the address
// to send the payer to.
func (c *Client) CreateCheckout(ctx context.Context, co Checkout) (id, url string, err error) {
	meta := map[string]string{"reference": co.Reference}
	params := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(co.Reference),
		CustomerEmail:     stripe.String(co.Email),
		Locale:            stripe.String(co.Locale),
		SuccessURL:        stripe.String(co.SuccessURL),
		CancelURL:         stripe.String(co.CancelURL),
		Metadata:          meta,
		// the charge carries the reference too, for refunds
		PaymentIntentData: &stripe.CheckoutSessionPaymentIntentDataParams{Metadata: meta},
		LineItems: []*stripe.CheckoutSessionLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(co.Currency),
				UnitAmount:  stripe.Int64(co.Amount),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(co.Description)},
			},
		}},
	}
	params.Context = ctx
	s, err := c.api.CheckoutSessions.New(params)
	if err != nil {
		return "", "", fmt.Errorf("stripe checkout: %w", err)
	}
	return s.ID, s.URL, nil
}

// Refund is money given back on a card payment.
type Refund struct {
	ID       string
	Amount   int64
	Currency string
	Status   string // pending, requires_action, succeeded, failed or canceled
}

// Refund asks Stripe to give back amount of a payment. The idempotency
// key makes a retried request (after a timeout, say) the same refund;
// the reference goes into the refund's metadata.
func (c *Client) Refund(ctx context.Context, paymentIntent string, amount int64, key, reference string) (Refund, error) {
	params := &stripe.RefundParams{PaymentIntent: stripe.String(paymentIntent), Amount: stripe.Int64(amount),
		Metadata: map[string]string{"reference": reference}}
	params.Context = ctx
	params.SetIdempotencyKey(key)
	r, err := c.api.Refunds.New(params)
	if err != nil {
		return Refund{}, fmt.Errorf("stripe refund: %w", err)
	}
	return Refund{ID: r.ID, Amount: r.Amount, Currency: string(r.Currency), Status: string(r.Status)}, nil
}

// Event is what delegate needs of a webhook event.
type Event struct {
	ID            string
	Type          string
	Reference     string
	Paid          bool // a completed checkout whose money has arrived
	Amount        int64
	Currency      string
	PaymentIntent string
	// Refunds are the refunds a charge.refunded or refund.updated event
	// tells of, each on its own.
	Refunds []Refund
}

// ErrSignature is a webhook payload whose signature does not verify.
var ErrSignature = errors.New("stripe webhook: bad signature")

// ParseEvent verifies a webhook payload and reads the events delegate
// handles: checkout.session.completed, .async_payment_succeeded,
// charge.refunded and refund.created / refund.updated. Other types come back with only ID and Type.
func (c *Client) ParseEvent(payload []byte, signature string) (Event, error) {
	ev, err := webhook.ConstructEventWithOptions(payload, signature, c.webhookSecret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	out := Event{ID: ev.ID, Type: string(ev.Type)}
	switch ev.Type {
	case "checkout.session.completed", "checkout.session.async_payment_succeeded":
		var s stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &s); err != nil {
			return out, fmt.Errorf("stripe event %s: %w", ev.ID, err)
		}
		out.Reference = s.ClientReferenceID
		if out.Reference == "" {
			out.Reference = s.Metadata["reference"]
		}
		out.Paid = s.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid
		out.Amount, out.Currency = s.AmountTotal, string(s.Currency)
		if s.PaymentIntent != nil {
			out.PaymentIntent = s.PaymentIntent.ID
		}
	case "charge.refunded":
		var ch stripe.Charge
		if err := json.Unmarshal(ev.Data.Raw, &ch); err != nil {
			return out, fmt.Errorf("stripe event %s: %w", ev.ID, err)
		}
		out.Reference = ch.Metadata["reference"]
		out.Amount, out.Currency = ch.AmountRefunded, string(ch.Currency)
		if ch.PaymentIntent != nil {
			out.PaymentIntent = ch.PaymentIntent.ID
		}
		if ch.Refunds != nil {
			for _, r := range ch.Refunds.Data {
				out.Refunds = append(out.Refunds, Refund{ID: r.ID, Amount: r.Amount, Currency: string(r.Currency), Status: string(r.Status)})
			}
		}
	case "refund.updated", "refund.created":
		var r stripe.Refund
		if err := json.Unmarshal(ev.Data.Raw, &r); err != nil {
			return out, fmt.Errorf("stripe event %s: %w", ev.ID, err)
		}
		out.Reference = r.Metadata["reference"]
		out.Amount, out.Currency = r.Amount, string(r.Currency)
		if r.PaymentIntent != nil {
			out.PaymentIntent = r.PaymentIntent.ID
		}
		out.Refunds = []Refund{{ID: r.ID, Amount: r.Amount, Currency: string(r.Currency), Status: string(r.Status)}}
	}
	return out, nil
}
