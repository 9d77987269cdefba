package store

// Bank transfers: finance records money received by transfer against a
// registration's fee. A transfer short of the fee is kept as a partial
// payment and the fee stays due; the one that completes it pays the fee;
// more than the fee is kept, and shown as overpaid.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Transfer is money received by bank transfer.
type Transfer struct {
	Amount   int64
	Currency string
	Date     string // YYYY-MM-DD, the day the bank credited it
	BankRef  string // the bank's reference for it, if any
	event    string // the payment's event id, for a part of a transfer that pays several (RecordTransfers)
}

// Received is what a registration's fee has had: the money received in
// the fee's currency (card, desk and transfers, less refunds), and how
// much of it is over the fee.
type Received struct {
	Amount, Over, Left int64
	Partial            bool // some money in, the fee still due
}

// RecordTransfer records a transfer for a registration that owes its
// fee. A bank reference recorded before is not recorded twice.
func (db *DB) RecordTransfer(ctx context.Context, actor Actor, reference string, t Transfer) (Registration, Received, error) {
	if err := db.checkTransfer(&t); err != nil {
		return Registration{}, Received{}, err
	}
	var r Registration
	var got Received
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if r, err = db.findForUpdate(ctx, tx, reference); err != nil {
			return err
		}
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		got, err = db.recordTransfer(ctx, tx, actor, &r, s, t)
		return err
	})
	if err == nil {
		db.signalQueued()
	}
	return r, got, err
}

// checkTransfer tidies t and checks its fields (a day credited not
// after today by the store's clock).
func (db *DB) checkTransfer(t *Transfer) error {
	v := &ValidationError{}
	t.Currency, t.BankRef = strings.ToUpper(strings.TrimSpace(t.Currency)), strings.TrimSpace(t.BankRef)
	if t.Amount <= 0 {
		v.Add("amount", "error.positive")
	}
	if day, ok := date(v, "date", t.Date, true); ok && day.After(db.Now()) {
		v.Add("date", "error.future")
	}
	text(v, "bank_ref", t.BankRef, 100, false)
	return v.Err()
}

func (db *DB) recordTransfer(ctx context.Context, tx *sql.Tx, actor Actor, r *Registration, s *Settings, t Transfer) (Received, error) {
	if r.PaymentStatus != PaymentUnpaid || r.Fee.Amount <= 0 {
		return Received{}, &ConflictError{Reason: "payment_" + r.PaymentStatus}
	}
	if t.Currency != strings.ToUpper(r.Fee.Currency) {
		return Received{}, &ValidationError{Fields: map[string]Message{"currency": {Key: "error.transfer_currency", Args: []any{r.Fee.Currency}}}}
	}
	event := "transfer-" + t.BankRef
	switch {
	case t.event != "": // RecordTransfers checked the reference for all parts
		event = t.event
	case t.BankRef == "": // nothing to know it again by
		token, _ := NewToken()
		event = "transfer-" + token
	default:
		if err := refuseRecorded(ctx, tx, t.BankRef); err != nil {
			return Received{}, err
		}
	}
	before, err := received(ctx, tx, r)
	if err != nil {
		return Received{}, err
	}
	flag := ""
	if before.Amount+t.Amount < r.Fee.Amount {
		flag = "partial"
	}
	day, _ := ParseDate(t.Date)
	at := time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, s.Location())
	if _, err := tx.ExecContext(ctx, `INSERT INTO payments (registration_id, event_id, kind, amount, currency, method,
		provider_ref, actor, created_at, flagged) VALUES (?, ?, 'paid', ?, ?, 'transfer', ?, ?, ?, ?)`, r.ID, event, t.Amount,
		t.Currency, t.BankRef, actor.String(), formatTime(at), flag); err != nil {
		return Received{}, fmt.Errorf("record transfer: %w", err)
	}
	if err := db.audit(ctx, tx, actor, "registration.transfer", r.ID, map[string]any{"amount": t.Amount, "currency": t.Currency,
		"date": t.Date, "bank_ref": t.BankRef}); err != nil {
		return Received{}, err
	}
	if flag == "" {
		p := Payment{Kind: PaymentPaid, Amount: t.Amount, Currency: t.Currency, Method: "transfer"}
		if err := db.setPaymentStatus(ctx, tx, actor, r, s, p); err != nil {
			return Received{}, err
		}
	}
	return received(ctx, tx, r)
}

// rowQuerier is a transaction or the database.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// received sums what r's fee has had.
func received(ctx context.Context, q rowQuerier, r *Registration) (Received, error) {
	var got Received
	err := q.QueryRowContext(ctx, `SELECT coalesce(sum(CASE kind WHEN 'paid' THEN amount WHEN 'refunded' THEN -amount ELSE 0 END), 0)
		FROM payments WHERE registration_id = ? AND currency = ? AND flagged <> 'amount_mismatch'`, r.ID, strings.ToUpper(r.Fee.Currency)).Scan(&got.Amount)
	return got.of(r), err
}

// of works out, for what r's fee has had, what is over and what is left.
func (got Received) of(r *Registration) Received {
	got.Over, got.Left = max(got.Amount-r.Fee.Amount, 0), max(r.Fee.Amount-got.Amount, 0)
	got.Partial = r.PaymentStatus == PaymentUnpaid && got.Amount > 0
	if r.PaymentStatus == PaymentWaived || r.PaymentStatus == PaymentRefunded {
		got.Left = 0
	}
	return got
}

// ReceivedFor is what r's fee has had.
func (db *DB) ReceivedFor(ctx context.Context, r *Registration) (Received, error) {
	return received(ctx, db.read, r)
}
