package store

// Invoices an auditor accepts: issued by finance to an organisation for a
// registration's fee, numbered 1, 2, 3… without a gap or a repeat, and
// credit notes (their own series) that take back all or part of one.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"delegate/i18n"
)

// The series of numbered money documents.
const (
	SeriesInvoice    = "invoice"
	SeriesCreditNote = "credit_note"
)

// Billing is whom an invoice is addressed to.
type Billing struct {
	Name    string `json:"billed_name"`
	Address string `json:"billed_address"`
	TaxID   string `json:"tax_id"`
}

// Invoice is an invoice or a credit note, as issued.
type Invoice struct {
	ID             int64
	Series         string
	Number         int64
	RegistrationID int64
	Billing
	Amount   int64
	Currency string
	Credits  int64  // a credit note's invoice
	Reason   string // a credit note's reason
	// DelegationID is the delegation an invoice of several fees, or its
	// credit note, is for (the lines: InvoiceLines); 0 for one fee.
	DelegationID int64
	Language     string
	IssuedAt     time.Time
	IssuedBy     string
	// Credited is how much of an invoice credit notes have taken back.
	Credited int64
}

func (b *Billing) validate(v *ValidationError) {
	b.Name, b.Address, b.TaxID = strings.TrimSpace(b.Name), strings.TrimSpace(b.Address), strings.TrimSpace(b.TaxID)
	text(v, "billed_name", b.Name, 200, true)
	text(v, "billed_address", b.Address, 500, false)
	text(v, "tax_id", b.TaxID, 64, false)
}

// nextNumber is the series' next number, in the writer's transaction: no
// two issues take the same, and none is skipped.
func nextNumber(ctx context.Context, tx *sql.Tx, series string) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, "SELECT coalesce(max(number), 0) + 1 FROM invoices WHERE series = ?", series).Scan(&n)
	return n, err
}

// IssueInvoice invoices a registration's fee to b. A registration has one
// invoice at a time: another only once credit notes have taken the last
// one back in full.
func (db *DB) IssueInvoice(ctx context.Context, actor Actor, reference string, b Billing) (Invoice, error) {
	v := &ValidationError{}
	b.validate(v)
	if err := v.Err(); err != nil {
		return Invoice{}, err
	}
	var inv Invoice
	err := db.tx(ctx, func(tx *sql.Tx) error {
		r, err := db.findForUpdate(ctx, tx, reference)
		if err != nil {
			return err
		}
		if r.Fee.Amount <= 0 || r.PaymentStatus == PaymentWaived || r.PaymentStatus == PaymentNotRequired {
			return &ConflictError{Reason: "no_fee"}
		}
		var open bool
		if err := tx.QueryRowContext(ctx, "SELECT "+openInvoiceOf("?1"), r.ID).Scan(&open); err != nil {
			return err
		}
		if open {
			return &ConflictError{Reason: "invoice_issued"}
		}
		inv = Invoice{Series: SeriesInvoice, RegistrationID: r.ID, Billing: b, Amount: r.Fee.Amount, Currency: r.Fee.Currency,
			Language: r.Language, IssuedAt: db.Now(), IssuedBy: actor.String()}
		return db.insertInvoice(ctx, tx, actor, &inv)
	})
	return inv, err
}

// CreditInvoice issues a credit note that takes back amount of an
// invoice (at most what is left of it), with the reason.
func (db *DB) CreditInvoice(ctx context.Context, actor Actor, invoice int64, amount int64, reason string) (Invoice, error) {
	var note Invoice
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		note, err = db.creditInvoice(ctx, tx, actor, invoice, amount, reason)
		return err
	})
	return note, err
}

func (db *DB) creditInvoice(ctx context.Context, tx *sql.Tx, actor Actor, invoice int64, amount int64, reason string) (Invoice, error) {
	inv, err := scanInvoice(tx.QueryRowContext(ctx, "SELECT "+invoiceColumns+" FROM invoices i WHERE id = ?", invoice))
	if errors.Is(err, sql.ErrNoRows) || err == nil && inv.Series != SeriesInvoice {
		return Invoice{}, ErrNotFound
	}
	if err != nil {
		return Invoice{}, err
	}
	v := &ValidationError{}
	reason = strings.TrimSpace(reason)
	text(v, "reason", reason, 500, true)
	if left := inv.Amount - inv.Credited; amount <= 0 || amount > left {
		v.Add("amount", "error.amount_range", i18n.PlainAmount(left, inv.Currency), inv.Currency)
	}
	if err := v.Err(); err != nil {
		return Invoice{}, err
	}
	note := Invoice{Series: SeriesCreditNote, RegistrationID: inv.RegistrationID, Billing: inv.Billing, Amount: amount,
		Currency: inv.Currency, Credits: inv.ID, Reason: reason, Language: inv.Language, IssuedAt: db.Now(), IssuedBy: actor.String(),
		DelegationID: inv.DelegationID}
	return note, db.insertInvoice(ctx, tx, actor, &note)
}

func (db *DB) insertInvoice(ctx context.Context, tx *sql.Tx, actor Actor, inv *Invoice) error {
	var err error
	if inv.Number, err = nextNumber(ctx, tx, inv.Series); err != nil {
		return err
	}
	var credits, delegation any
	if inv.Credits != 0 {
		credits = inv.Credits
	}
	if inv.DelegationID != 0 {
		delegation = inv.DelegationID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO invoices (series, number, registration_id, billed_name, billed_address, tax_id,
		amount, currency, credits, reason, language, issued_at, issued_by, delegation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.Series, inv.Number, inv.RegistrationID, inv.Name, inv.Address, inv.TaxID, inv.Amount, inv.Currency, credits,
		inv.Reason, inv.Language, formatTime(inv.IssuedAt), inv.IssuedBy, delegation)
	if err != nil {
		return fmt.Errorf("issue %s: %w", inv.Series, err)
	}
	if inv.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return db.audit(ctx, tx, actor, "registration."+inv.Series, inv.RegistrationID, map[string]any{"number": inv.Number,
		"amount": inv.Amount, "currency": inv.Currency, "credits": inv.Credits, "delegation": inv.DelegationID})
}

const invoiceColumns = `i.id, i.series, i.number, i.registration_id, i.billed_name, i.billed_address, i.tax_id, i.amount, i.currency,
	coalesce(i.credits, 0), i.reason, i.language, i.issued_at, i.issued_by,
	coalesce((SELECT sum(c.amount) FROM invoices c WHERE c.credits = i.id), 0), coalesce(i.delegation_id, 0)`

func scanInvoice(row scanner, extra ...any) (Invoice, error) {
	var inv Invoice
	var at string
	err := row.Scan(append([]any{&inv.ID, &inv.Series, &inv.Number, &inv.RegistrationID, &inv.Name, &inv.Address, &inv.TaxID, &inv.Amount,
		&inv.Currency, &inv.Credits, &inv.Reason, &inv.Language, &at, &inv.IssuedBy, &inv.Credited, &inv.DelegationID}, extra...)...)
	inv.IssuedAt = parseTime(at)
	return inv, err
}

// Invoices are a registration's invoices and credit notes, those of a
// delegation's invoice it is a line of among them, in the order issued.
func (db *DB) Invoices(ctx context.Context, registrationID int64) ([]Invoice, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+invoiceColumns+" FROM invoices i WHERE "+invoicesOf("?1")+" ORDER BY id", registrationID)
	return collect(rows, err, func(row scanner) (Invoice, error) { return scanInvoice(row) })
}

// FindInvoice returns an invoice or credit note, or ErrNotFound.
func (db *DB) FindInvoice(ctx context.Context, id int64) (Invoice, error) {
	inv, err := scanInvoice(db.read.QueryRowContext(ctx, "SELECT "+invoiceColumns+" FROM invoices i WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, ErrNotFound
	}
	return inv, err
}
