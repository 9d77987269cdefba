package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Payment is money received, refunded or waived for a registration.
type Payment struct {
	ID          int64
	EventID     string // Stripe's event id, or a desk entry's own
	Kind        string // PaymentPaid, PaymentRefunded or PaymentWaived
	Amount      int64
	Currency    string
	Method      string // "card" or "desk"
	ProviderRef string // Stripe's payment intent
	// Flagged says why a payment did not count as it says: "amount_mismatch"
	// (not the fee due) or "partial_refund" (part of the fee back).
	Flagged   string
	Actor     string
	CreatedAt time.Time
}

// RecordPayment writes a payment and the payment status it brings, with
// the delegate's message and their letter, in one transaction. A payment
// whose event was recorded before changes nothing and reports done false.
func (db *DB) RecordPayment(ctx context.Context, actor Actor, reference string, p Payment) (r Registration, done bool, err error) {
	if p.Kind != PaymentPaid && p.Kind != PaymentRefunded && p.Kind != PaymentWaived {
		return r, false, fmt.Errorf("payment kind %q", p.Kind)
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		r, err = db.findForUpdate(ctx, tx, reference)
		if err != nil {
			return err
		}
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		done, err = db.settle(ctx, tx, actor, &r, s, p)
		return err
	})
	if err == nil && done {
		db.signalQueued()
	}
	return r, done, err
}

// Payments lists a registration's payments, oldest first.
func (db *DB) Payments(ctx context.Context, registrationID int64) ([]Payment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, event_id, kind, amount, currency, method, provider_ref, actor,
		created_at, flagged FROM payments WHERE registration_id = ? ORDER BY id`, registrationID)
	return collect(rows, err, scanPayment)
}

func scanPayment(row scanner) (Payment, error) {
	var p Payment
	var at string
	err := row.Scan(&p.ID, &p.EventID, &p.Kind, &p.Amount, &p.Currency, &p.Method, &p.ProviderRef, &p.Actor, &at, &p.Flagged)
	p.CreatedAt = parseTime(at)
	return p, err
}

// settle records payment p of r, locked in tx, with the payment status it
// brings, the delegate's message and their letter. A payment whose event
// was recorded before changes nothing and reports false.
func (db *DB) settle(ctx context.Context, tx *sql.Tx, actor Actor, r *Registration, s *Settings, p Payment) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM payments WHERE event_id = ?", p.EventID).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil // a repeated event: nothing to do
	}
	now := db.Now()
	if p.Kind == PaymentPaid && p.Method == "card" && r.PaymentStatus == PaymentUnpaid &&
		(p.Amount != r.Fee.Amount || !strings.EqualFold(p.Currency, r.Fee.Currency)) {
		// money that is not the fee due (an old amount, another currency)
		// is kept for finance, and the fee stays due
		if _, err := tx.ExecContext(ctx, `INSERT INTO payments (registration_id, event_id, kind, amount, currency, method,
			provider_ref, actor, created_at, flagged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'amount_mismatch')`, r.ID, p.EventID,
			p.Kind, p.Amount, strings.ToUpper(p.Currency), p.Method, p.ProviderRef, actor.String(), formatTime(now)); err != nil {
			return false, fmt.Errorf("record payment: %w", err)
		}
		return false, db.audit(ctx, tx, actor, "registration.payment_mismatch", r.ID, map[string]any{
			"amount": p.Amount, "currency": p.Currency, "due": r.Fee.Amount, "due_currency": r.Fee.Currency})
	}
	var refunded int64
	if p.Kind == PaymentRefunded {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(sum(amount), 0) FROM payments WHERE registration_id = ? AND kind = 'refunded'",
			r.ID).Scan(&refunded); err != nil {
			return false, err
		}
	}
	if p.Kind == PaymentRefunded && r.PaymentStatus == PaymentPaid && p.Amount > 0 && refunded+p.Amount < r.Fee.Amount {
		// part of the fee back: recorded with its amount; the fee stays
		// paid until the parts add up to all of it
		if _, err := tx.ExecContext(ctx, `INSERT INTO payments (registration_id, event_id, kind, amount, currency, method,
			provider_ref, actor, created_at, flagged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'partial_refund')`, r.ID, p.EventID,
			p.Kind, p.Amount, strings.ToUpper(p.Currency), p.Method, p.ProviderRef, actor.String(), formatTime(now)); err != nil {
			return false, fmt.Errorf("record refund: %w", err)
		}
		return true, db.audit(ctx, tx, actor, "registration.partial_refund", r.ID, map[string]any{"amount": p.Amount})
	}
	switch {
	case p.Kind == PaymentRefunded && r.PaymentStatus != PaymentPaid:
		return false, &ConflictError{Reason: "not_paid"}
	case p.Kind != PaymentRefunded && r.PaymentStatus != PaymentUnpaid:
		return false, &ConflictError{Reason: "payment_" + r.PaymentStatus}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO payments (registration_id, event_id, kind, amount, currency, method,
		provider_ref, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, p.EventID, p.Kind, p.Amount,
		strings.ToUpper(p.Currency), p.Method, p.ProviderRef, actor.String(), formatTime(now)); err != nil {
		return false, fmt.Errorf("record payment: %w", err)
	}
	return true, db.setPaymentStatus(ctx, tx, actor, r, s, p)
}

// setPaymentStatus moves r to the payment status p brings, tells the
// delegate when the fee is paid, and releases a letter that waited for it.
func (db *DB) setPaymentStatus(ctx context.Context, tx *sql.Tx, actor Actor, r *Registration, s *Settings, p Payment) error {
	now := db.Now()
	if _, err := tx.ExecContext(ctx, "UPDATE registrations SET payment_status = ?, updated_at = ? WHERE id = ?",
		p.Kind, formatTime(now), r.ID); err != nil {
		return err
	}
	old := r.PaymentStatus
	r.PaymentStatus, r.UpdatedAt = p.Kind, now
	if err := db.audit(ctx, tx, actor, "registration.payment", r.ID, map[string]any{
		"payment_status": []string{old, p.Kind}, "amount": p.Amount, "method": p.Method}); err != nil {
		return err
	}
	if p.Kind == PaymentPaid {
		if err := db.queue(ctx, tx, MailPaid, r, s); err != nil {
			return err
		}
		if err := db.emit(ctx, tx, HookPaid, r); err != nil {
			return err
		}
	}
	return db.syncAndTell(ctx, tx, r, s, false) // a paid fee may release the letter
}

// Receipt is the last card or desk payment of a paid registration.
func (db *DB) Receipt(ctx context.Context, registrationID int64) (Payment, error) {
	list, err := db.Payments(ctx, registrationID)
	if err != nil {
		return Payment{}, err
	}
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Kind == PaymentPaid && list[i].Flagged == "" {
			return list[i], nil
		}
	}
	return Payment{}, ErrNotFound
}
