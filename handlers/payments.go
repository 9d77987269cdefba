package handlers

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/payment"
	"delegate/pdf"
	"delegate/store"
)

// payable reports whether the delegate can pay online now.
func (h *Handler) payable(r *store.Registration) bool {
	return h.pay != nil && r.Live() && r.PaymentStatus == store.PaymentUnpaid && r.Fee.Amount > 0
}

// startPayment sends the delegate to Stripe Checkout for their fee.
func (h *Handler) startPayment(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	if !h.payable(&r) {
		h.fail(c, store.ErrNotFound)
		return
	}
	s := h.db.Settings()
	l := i18n.For(r.Language)
	back := h.baseURL + "/r/" + c.Param("token")
	_, url, err := h.pay.CreateCheckout(c.Request.Context(), payment.Checkout{
		Reference: r.Reference, Email: r.Email, Amount: r.Fee.Amount, Currency: r.Fee.Currency, Locale: r.Language,
		Description: s.ShortName + " · " + l.T("field.fee") + " · " + r.Reference,
		SuccessURL:  back + "?paid=1", CancelURL: back,
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, url)
}

// stripeWebhook records Stripe's signed events: a completed or later
// succeeded checkout marks the fee paid; a refunded charge, refunded. A
// bad signature is a 400; an event seen before is a 200 that does nothing.
func (h *Handler) stripeWebhook(c *gin.Context) {
	if h.pay == nil {
		c.Status(http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		h.fail(c, err)
		return
	}
	ev, err := h.pay.ParseEvent(body, c.GetHeader("Stripe-Signature"))
	if errors.Is(err, payment.ErrSignature) {
		c.JSON(http.StatusBadRequest, apiError{Error: "bad signature"})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(ev.Refunds) > 0 && ev.Reference != "" {
		h.confirmRefunds(c, ev)
		return
	}
	kind := ""
	switch {
	case (ev.Type == "checkout.session.completed" || ev.Type == "checkout.session.async_payment_succeeded") && ev.Paid:
		kind = store.PaymentPaid
	case ev.Type == "charge.refunded":
		kind = store.PaymentRefunded
	}
	if kind == "" || ev.Reference == "" {
		c.JSON(http.StatusOK, gin.H{"received": ev.ID})
		return
	}
	_, _, err = h.db.RecordPayment(c.Request.Context(), store.Actor{Kind: "stripe", Address: c.ClientIP()}, ev.Reference,
		store.Payment{EventID: ev.ID, Kind: kind, Amount: ev.Amount, Currency: ev.Currency, Method: "card", ProviderRef: ev.PaymentIntent})
	var ce *store.ConflictError
	if err != nil && !asError(err, &ce) && !errors.Is(err, store.ErrNotFound) {
		h.fail(c, err) // Stripe tries again later
		return
	}
	// a payment that no longer applies, or an unknown reference, is logged
	// and acknowledged: retrying would not change it
	if err != nil {
		h.log.Warn("stripe event not applied", "event", ev.ID, "reference", ev.Reference, "err", err)
	}
	c.JSON(http.StatusOK, gin.H{"received": ev.ID})
}

// confirmRefunds records each refund an event says has succeeded, once
// whichever event tells of it first.
func (h *Handler) confirmRefunds(c *gin.Context, ev payment.Event) {
	for _, rf := range ev.Refunds {
		if rf.Status != "succeeded" {
			continue
		}
		_, err := h.db.ConfirmRefund(c.Request.Context(), store.Actor{Kind: "stripe", Address: c.ClientIP()}, ev.Reference, rf.ID,
			rf.Amount, cmp.Or(rf.Currency, ev.Currency), ev.PaymentIntent)
		var ce *store.ConflictError
		if err != nil && !asError(err, &ce) && !errors.Is(err, store.ErrNotFound) {
			h.fail(c, err) // Stripe tries again later
			return
		}
		if err != nil {
			h.log.Warn("stripe refund not applied", "event", ev.ID, "refund", rf.ID, "reference", ev.Reference, "err", err)
		}
	}
	c.JSON(http.StatusOK, gin.H{"received": ev.ID})
}

// submitRefund asks Stripe to refund all or part of the registration's
// card payment; the refund is recorded when Stripe's event confirms it.
func (h *Handler) submitRefund(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	r, err := h.db.FindRegistration(ctx, c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if h.pay == nil {
		h.afterForm(c, &store.ConflictError{Reason: "no_online_payment"}, "", detailPath(r))
		return
	}
	amount, ok := i18n.ParseAmount(c.PostForm("amount"), r.Fee.Currency)
	if !ok {
		amount = -1
	}
	q, err := h.db.RequestRefund(ctx, caller(c), r.Reference, amount, c.PostForm("reason"))
	if err != nil {
		h.afterForm(c, err, "", detailPath(r))
		return
	}
	rf, err := h.pay.Refund(ctx, q.PaymentIntent, q.Amount, q.IdempotencyKey, r.Reference)
	if err != nil {
		h.log.Error("stripe refund", "reference", r.Reference, "err", err, "request_id", c.GetString("request_id"))
		h.db.RefundAnswered(ctx, q.ID, "", "failed")
		h.afterForm(c, &store.ConflictError{Reason: "refund_failed"}, "", detailPath(r))
		return
	}
	err = h.db.RefundAnswered(ctx, q.ID, rf.ID, rf.Status)
	h.afterForm(c, err, l.T("admin.refund.asked", l.Money(q.Amount, q.Currency)), detailPath(r))
}

// deskPayment records a fee paid or waived at the desk (finance).
func (h *Handler) deskPayment(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.db.FindRegistration(ctx, c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return
	}
	kind := c.PostForm("status")
	if kind != store.PaymentPaid && kind != store.PaymentWaived {
		h.failStatus(c, http.StatusUnprocessableEntity, "error.choice", nil)
		return
	}
	err = h.takeAtDesk(c, r, kind)
	h.afterChange(c, err, "admin.done.payment_"+kind, "")
}

// takeAtDesk records a registration's fee paid or waived at the desk.
func (h *Handler) takeAtDesk(c *gin.Context, r store.Registration, kind string) error {
	_, _, err := h.db.RecordPayment(c.Request.Context(), caller(c), r.Reference, store.DeskPayment(r, kind))
	return err
}

// myReceipt is the delegate's receipt once paid.
func (h *Handler) myReceipt(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	p, err := h.db.Receipt(c.Request.Context(), r.ID)
	if err != nil || r.PaymentStatus != store.PaymentPaid {
		h.fail(c, store.ErrNotFound)
		return
	}
	s := h.db.Settings()
	l := i18n.For(r.Language)
	sec := s.Secretariat
	paid := l.Date(p.CreatedAt.In(s.Location()))
	amount := p.Amount
	if got, err := h.db.ReceivedFor(c.Request.Context(), &r); err == nil && p.Method == "transfer" {
		amount = got.Amount // transfers in parts: the receipt is for all of them
	}
	rc := pdf.Receipt{
		Title:  l.T("receipt.title"),
		Event:  s.Name.In(l.Lang),
		Issuer: append([]string{sec.Name.In(l.Lang)}, strings.Split(sec.Address.In(l.Lang), ", ")...),
		Serial: l.T("receipt.number", strconv.FormatInt(p.ID, 10)),
		Date:   l.T("receipt.date", paid),
		Paid:   l.T("receipt.paid", l.T("receipt.paid_by."+p.Method), paid),
		Payer: [][2]string{
			{l.T("receipt.payer"), printedName(r)},
			{l.T("field.organisation"), r.Organisation},
			{l.T("field.reference"), r.Reference},
		},
		Lines: [][2]string{
			{l.T("receipt.for"), l.T("receipt.fee", labelsOf(&r, &s, l).Category)},
		},
		Amount: l.T("receipt.total", l.Money(amount, p.Currency)),
		Note:   l.T("receipt.note", s.Name.In(l.Lang)),
		Footer: []string{sec.Line(l.Lang), sec.Email + " · " + sec.Phone + " · " + sec.Website},
	}
	h.sendPDF(c, "receipt-"+r.Reference+".pdf", func(b *bytes.Buffer) error { return pdf.WriteReceipt(b, rc) })
}
