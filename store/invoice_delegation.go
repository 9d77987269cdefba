package store

// One invoice for a delegation: the fees of its members, billed to the
// ministry or city hall that pays them all, a line a member, numbered in
// the same gap-free series as every other invoice.

import (
	"context"
	"database/sql"
	"slices"
	"strings"
)

// InvoiceLine is one member's fee on an invoice of several.
type InvoiceLine struct {
	RegistrationID int64
	Reference      string
	Name           string
	Category       string
	Amount         int64
}

// invoicesOf selects the invoices and credit notes that concern the
// registration whose id col gives: its own, and those of a delegation's
// invoice it is a line of.
func invoicesOf(col string) string {
	return "(i.registration_id = " + col + " OR i.id IN (SELECT invoice_id FROM invoice_lines WHERE registration_id = " + col + ")" +
		" OR i.credits IN (SELECT invoice_id FROM invoice_lines WHERE registration_id = " + col + "))"
}

// openInvoiceOf holds when the registration whose id col gives is on an
// invoice that credit notes have not taken back in full.
func openInvoiceOf(col string) string {
	return "EXISTS (SELECT 1 FROM invoices i WHERE i.series = 'invoice' AND " + invoicesOf(col) +
		" AND i.amount > coalesce((SELECT sum(c.amount) FROM invoices c WHERE c.credits = i.id), 0))"
}

// IssueDelegationInvoice invoices to b, in lang, the fees in currency of
// the delegation's live members who have one to pay or have paid it and
// are not invoiced yet (a conflict "no_fee" when there are none). The
// invoice's amount is the fees'; whether they are paid is each member's.
func (db *DB) IssueDelegationInvoice(ctx context.Context, actor Actor, delegation int64, currency, lang string, b Billing) (Invoice, error) {
	v := &ValidationError{}
	b.validate(v)
	if err := v.Err(); err != nil {
		return Invoice{}, err
	}
	if !slices.Contains(Languages, lang) {
		lang = "en"
	}
	currency = strings.ToUpper(currency)
	var inv Invoice
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+registrationColumns+` FROM registrations WHERE delegation_id = ?
			AND `+sqlLive+` AND fee_amount > 0 AND payment_status IN ('unpaid', 'paid') AND upper(fee_currency) = ?
			AND NOT `+openInvoiceOf("registrations.id")+`
			ORDER BY delegation_head DESC, protocol_rank = 0, protocol_rank, family_name COLLATE NOCASE, id`, delegation, currency)
		members, err := collect(rows, err, scanListed)
		if err != nil {
			return err
		}
		if len(members) == 0 {
			return &ConflictError{Reason: "no_fee"}
		}
		inv = Invoice{Series: SeriesInvoice, RegistrationID: members[0].ID, Billing: b, Currency: currency, Language: lang,
			IssuedAt: db.Now(), IssuedBy: actor.String(), DelegationID: delegation}
		for _, m := range members {
			inv.Amount += m.Fee.Amount
		}
		if err := db.insertInvoice(ctx, tx, actor, &inv); err != nil {
			return err
		}
		for i, m := range members {
			if _, err := tx.ExecContext(ctx, "INSERT INTO invoice_lines (invoice_id, line, registration_id, amount) VALUES (?, ?, ?, ?)",
				inv.ID, i+1, m.ID, m.Fee.Amount); err != nil {
				return err
			}
		}
		return nil
	})
	return inv, err
}

// InvoiceLines are the members' fees on an invoice of several, in its
// order; none for an invoice of one fee.
func (db *DB) InvoiceLines(ctx context.Context, invoice int64) ([]InvoiceLine, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT l.registration_id, r.reference, r.given_names, r.family_name, r.category, l.amount
		FROM invoice_lines l JOIN registrations r ON r.id = l.registration_id WHERE l.invoice_id = ? ORDER BY l.line`, invoice)
	return collect(rows, err, func(row scanner) (InvoiceLine, error) {
		var l InvoiceLine
		var given, family string
		err := row.Scan(&l.RegistrationID, &l.Reference, &given, &family, &l.Category, &l.Amount)
		l.Name = strings.TrimSpace(given + " " + family)
		return l, err
	})
}

// DelegationInvoices are the invoices issued to a delegation, and their
// credit notes, in the order issued.
func (db *DB) DelegationInvoices(ctx context.Context, delegation int64) ([]Invoice, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+invoiceColumns+" FROM invoices i WHERE i.delegation_id = ? ORDER BY i.id", delegation)
	return collect(rows, err, func(row scanner) (Invoice, error) { return scanInvoice(row) })
}
