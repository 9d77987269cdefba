package handlers_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"delegate/handlers"
	"delegate/i18n"
	"delegate/payment"
	"delegate/payment/stripemock"
	"delegate/pdf/pdftest"
	"delegate/store"
)

// Finance refunds part of a card payment from the registration's page:
// the server asks Stripe (stripe-mock) and records nothing yet; Stripe's
// signed refund.updated event records the refund once (charge.refunded
// telling of the same refund changes nothing), credits the invoice and
// tells the delegate in their language (15.5).
func TestRefundThroughStripe(t *testing.T) {
	t.Parallel()
	const secret = "whsec_refund"
	base := stripemock.Start(t)
	e := newEnvWith(t, func(d *handlers.Deps) { d.Payments = payment.New("sk_test_123", secret, base) })
	ctx := t.Context()
	out := e.register(t, with(valid("paid@example.sn"), "category", "city_official"))
	ref := out["reference"].(string)

	e.db.ApproveRegistration(ctx, store.System, ref)
	if w := webhookPost(t, e, completed("evt_paid", ref, 10000), secret); w.Code != 200 {
		t.Fatalf("payment: %d", w.Code)
	}
	finance := e.login(t, "finance")
	path := "/admin/registrations/" + ref
	if w := e.do(t, request{method: "POST", path: path + "/invoice", session: finance, form: url.Values{"billed_name": {"Ville de Dakar"}}}); w.Code != 303 {
		t.Fatalf("invoice: %d", w.Code)
	}
	if p := e.do(t, request{method: "GET", path: path + "?lang=en", session: finance}).Body.String(); !strings.Contains(p, `action="`+path+`/refund"`) {
		t.Fatalf("no refund form for a card payment:\n%s", clip(p))
	}
	e.do(t, request{method: "POST", path: path + "/refund?lang=en", session: finance, form: url.Values{"amount": {"150.00"}, "reason": {"Too much"}}})
	if p := e.do(t, request{method: "GET", path: path + "?lang=en", session: finance}).Body.String(); !strings.Contains(p, "Give an amount above zero and at most 100.00 USD") {
		t.Errorf("a refund over the payment was not refused in words")
	}
	w := e.do(t, request{method: "POST", path: path + "/refund?lang=en", session: finance, form: url.Values{"amount": {"40.00"}, "reason": {"Une journée annulée"}}})
	if w.Code != 303 {
		t.Fatalf("refund: %d %s", w.Code, clip(w.Body.String()))
	}
	r, _ := e.db.FindRegistration(ctx, ref)
	refunds, _ := e.db.Refunds(ctx, r.ID)
	if len(refunds) != 1 || refunds[0].Amount != 4000 || refunds[0].Status == "requested" || refunds[0].Status == "failed" {
		t.Fatalf("the refund asked: %+v", refunds)
	}
	if got, _ := e.db.ReceivedFor(ctx, &r); got.Amount != 10000 {
		t.Errorf("recorded before Stripe confirmed: %+v", got)
	}
	confirm := map[string]any{"id": "evt_re", "object": "event", "type": "refund.updated", "data": map[string]any{"object": map[string]any{
		"object": "refund", "id": refunds[0].StripeID, "amount": 4000, "currency": "usd", "status": "succeeded", "payment_intent": "pi_evt_paid",
		"metadata": map[string]string{"reference": ref}}}}
	again := map[string]any{"id": "evt_ch", "object": "event", "type": "charge.refunded", "data": map[string]any{"object": map[string]any{
		"object": "charge", "id": "ch_1", "amount_refunded": 4000, "currency": "usd", "payment_intent": "pi_evt_paid",
		"metadata": map[string]string{"reference": ref}, "refunds": map[string]any{"object": "list", "data": []map[string]any{
			{"object": "refund", "id": refunds[0].StripeID, "amount": 4000, "currency": "usd", "status": "succeeded"}}}}}}
	for _, ev := range []map[string]any{confirm, again} {
		if w := webhookPost(t, e, ev, secret); w.Code != 200 {
			t.Fatalf("%s: %d", ev["type"], w.Code)
		}
	}
	r, _ = e.db.FindRegistration(ctx, ref)
	if got, _ := e.db.ReceivedFor(ctx, &r); got.Amount != 6000 || r.PaymentStatus != store.PaymentPaid {
		t.Errorf("after the refund: %+v, %s; want 60.00 kept, paid", got, r.PaymentStatus)
	}
	invs, _ := e.db.Invoices(ctx, r.ID)
	if len(invs) != 2 || invs[1].Series != store.SeriesCreditNote || invs[1].Amount != 4000 || invs[1].Reason != "Une journée annulée" {
		t.Fatalf("the credit note: %+v", invs)
	}
	note := pdftest.OneLine(t, e.do(t, request{method: "GET", path: "/admin/invoices/" + strconv.FormatInt(invs[1].ID, 10), session: finance}).Body.Bytes())
	if !strings.Contains(note, "Avoir n° 1") || !strings.Contains(note, i18n.For("fr").Money(4000, "USD")) {
		t.Errorf("the credit note:\n%s", note)
	}
	if m, ok := mailTo(t, e, store.MailRefunded, "paid@example.sn"); !ok || m.Language != "fr" || !strings.Contains(m.Text, "remboursé") {
		t.Errorf("the delegate was not told: %+v", m)
	}
}

// Refunds in parts that add up to the whole fee leave it refunded.
func TestRefundsInPartsAddUp(t *testing.T) {
	t.Parallel()
	const secret = "whsec_parts"
	e := newEnvWith(t, func(d *handlers.Deps) { d.Payments = payment.New("sk_test_123", secret, "http://127.0.0.1:1") })
	ctx := t.Context()
	ref := e.register(t, with(valid("parts@example.sn"), "category", "city_official"))["reference"].(string)
	e.db.ApproveRegistration(ctx, store.System, ref)
	webhookPost(t, e, completed("evt_parts", ref, 10000), secret)
	for i, amount := range []int{6000, 4000} {
		ev := map[string]any{"id": "evt_r" + strconv.Itoa(i), "object": "event", "type": "refund.updated", "data": map[string]any{"object": map[string]any{
			"object": "refund", "id": "re_part" + strconv.Itoa(i), "amount": amount, "currency": "usd", "status": "succeeded",
			"payment_intent": "pi_evt_parts", "metadata": map[string]string{"reference": ref}}}}
		if w := webhookPost(t, e, ev, secret); w.Code != 200 {
			t.Fatalf("refund %d: %d", i, w.Code)
		}
		r, _ := e.db.FindRegistration(ctx, ref)
		want := []string{store.PaymentPaid, store.PaymentRefunded}[i]
		if r.PaymentStatus != want {
			t.Errorf("after refund %d: %s, want %s", i+1, r.PaymentStatus, want)
		}
	}
}
