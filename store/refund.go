package store

// Refunds through Stripe: finance asks for all or part of a card payment
// back; the money is recorded, the invoice credited and the delegate told
// when Stripe's event confirms the refund.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"delegate/i18n"
)

// MailRefunded tells a delegate their fee, or part of it, was refunded.
const MailRefunded = "refunded"

// RefundRequest is a refund finance asked Stripe for.
type RefundRequest struct {
	ID             int64
	Reference      string
	PaymentIntent  string
	Amount         int64
	Currency       string
	Reason         string
	Status         string
	IdempotencyKey string
	StripeID       string // Stripe's refund, once it answered
}

// RequestRefund keeps a refund of amount of the registration's card
// payment, to be asked of Stripe with its idempotency key: at most what
// was paid by card, less the refunds asked before.
func (db *DB) RequestRefund(ctx context.Context, actor Actor, reference string, amount int64, reason string) (RefundRequest, error) {
	reason = strings.TrimSpace(reason)
	var q RefundRequest
	err := db.tx(ctx, func(tx *sql.Tx) error {
		r, err := db.findForUpdate(ctx, tx, reference)
		if err != nil {
			return err
		}
		var paid, asked int64
		var pi, currency string
		err = tx.QueryRowContext(ctx, `SELECT coalesce(sum(amount), 0), coalesce(max(provider_ref), ''), coalesce(max(currency), '')
			FROM payments WHERE registration_id = ? AND kind = 'paid' AND method = 'card' AND provider_ref <> '' AND flagged = ''`,
			r.ID).Scan(&paid, &pi, &currency)
		if err != nil {
			return err
		}
		if pi == "" {
			return &ConflictError{Reason: "no_card_payment"}
		}
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(sum(amount), 0) FROM refunds WHERE registration_id = ? AND status <> 'failed'",
			r.ID).Scan(&asked); err != nil {
			return err
		}
		v := &ValidationError{}
		text(v, "reason", reason, 500, true)
		if left := paid - asked; amount <= 0 || amount > left {
			v.Add("amount", "error.amount_range", i18n.PlainAmount(left, currency), currency)
		}
		if err := v.Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO refunds (registration_id, payment_intent, amount, currency, reason, actor, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ID, pi, amount, currency, reason, actor.String(), formatTime(db.Now()))
		if err != nil {
			return fmt.Errorf("record refund: %w", err)
		}
		id, _ := res.LastInsertId()
		q = RefundRequest{ID: id, Reference: r.Reference, PaymentIntent: pi, Amount: amount, Currency: currency, Reason: reason,
			Status: "requested", IdempotencyKey: fmt.Sprintf("delegate-refund-%d", id)}
		return db.audit(ctx, tx, actor, "registration.refund_requested", r.ID, map[string]any{"amount": amount, "reason": reason})
	})
	return q, err
}

// RefundAnswered records Stripe's answer to a refund asked: its id and
// status, or "failed" when the request failed.
func (db *DB) RefundAnswered(ctx context.Context, id int64, stripeID, status string) error {
	var sid any
	if stripeID != "" {
		sid = stripeID
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE refunds SET stripe_id = coalesce(?, stripe_id), status = ? WHERE id = ?", sid, status, id)
		return err
	})
}

// ConfirmRefund records a refund Stripe confirms (once, whichever event
// tells of it first): the money back, a credit note against the
// registration's invoice, and a message to the delegate.
func (db *DB) ConfirmRefund(ctx context.Context, actor Actor, reference, stripeID string, amount int64, currency, paymentIntent string) (bool, error) {
	done := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		r, err := db.findForUpdate(ctx, tx, reference)
		if err != nil {
			return err
		}
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		p := Payment{EventID: "refund-" + stripeID, Kind: PaymentRefunded, Amount: amount, Currency: currency, Method: "card",
			ProviderRef: paymentIntent}
		if done, err = db.settle(ctx, tx, actor, &r, s, p); err != nil || !done {
			return err
		}
		reason := "Refund " + stripeID
		if err := tx.QueryRowContext(ctx, "SELECT reason FROM refunds WHERE stripe_id = ?", stripeID).Scan(&reason); err != nil &&
			!errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE refunds SET status = 'succeeded' WHERE stripe_id = ?", stripeID); err != nil {
			return err
		}
		// the invoice, if any, is credited with what it still holds of it
		var invoice, left int64
		err = tx.QueryRowContext(ctx, `SELECT i.id, i.amount - coalesce((SELECT sum(c.amount) FROM invoices c WHERE c.credits = i.id), 0)
			FROM invoices i WHERE `+invoicesOf("?1")+` AND i.series = 'invoice' ORDER BY i.id DESC LIMIT 1`, r.ID).Scan(&invoice, &left)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case left > 0:
			if _, err := db.creditInvoice(ctx, tx, actor, invoice, min(amount, left), reason); err != nil {
				return err
			}
		}
		return db.queue(ctx, tx, MailRefunded, &r, s)
	})
	if err == nil && done {
		db.signalQueued()
	}
	return done, err
}

// Refunds are the refunds asked for a registration, oldest first.
func (db *DB) Refunds(ctx context.Context, registrationID int64) ([]RefundRequest, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, payment_intent, amount, currency, reason, status, coalesce(stripe_id, '') FROM refunds
		WHERE registration_id = ? ORDER BY id`, registrationID)
	return collect(rows, err, func(row scanner) (RefundRequest, error) {
		var q RefundRequest
		err := row.Scan(&q.ID, &q.PaymentIntent, &q.Amount, &q.Currency, &q.Reason, &q.Status, &q.StripeID)
		q.IdempotencyKey = fmt.Sprintf("delegate-refund-%d", q.ID)
		return q, err
	})
}
