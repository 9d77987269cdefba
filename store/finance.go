package store

// The finance page's numbers, from the tallies: fees by category, payment
// status and currency, money moved by kind and method, and the fees
// partly paid.

import (
	"context"
	"strings"
	"time"
)

// FeeCount is how many live registrations of a category are in a payment
// status, and their fees' total, in a currency.
type FeeCount struct {
	Category, Status, Currency string
	Count                      int
	Amount                     int64
}

// Moved is money moved one way by one method, in a currency.
type Moved struct {
	Kind, Method, Currency string // Kind: paid or refunded
	Amount                 int64
}

// Finance are the finance page's numbers.
type Finance struct {
	Fees  []FeeCount
	Moved []Moved
	// PartlyPaid counts fees still due with part of them received.
	PartlyPaid int
	// Overdue is set once the payment deadline has passed: every fee
	// still due is overdue.
	Overdue bool
	Due     time.Time
}

// FinanceNumbers reads the finance page's numbers.
func (db *DB) FinanceNumbers(ctx context.Context) (Finance, error) {
	s := db.Settings()
	f := Finance{Due: s.PaymentDue()}
	f.Overdue = db.Now().In(s.Location()).Format(DateLayout) > f.Due.Format(DateLayout)
	rows, err := db.read.QueryContext(ctx, "SELECT dim, key, n FROM tallies WHERE dim IN ('fees', 'fees_amount', 'moved') AND n <> 0 ORDER BY dim, key")
	if err != nil {
		return f, err
	}
	defer rows.Close()
	index := map[string]int{}
	for rows.Next() {
		var dim, key string
		var n int64
		if err := rows.Scan(&dim, &key, &n); err != nil {
			return f, err
		}
		parts := strings.SplitN(key, "|", 3)
		if len(parts) != 3 {
			continue
		}
		switch dim {
		case "fees", "fees_amount":
			i, ok := index[key]
			if !ok {
				i = len(f.Fees)
				index[key] = i
				f.Fees = append(f.Fees, FeeCount{Category: parts[0], Status: parts[1], Currency: parts[2]})
			}
			if dim == "fees" {
				f.Fees[i].Count = int(n)
			} else {
				f.Fees[i].Amount = n
			}
		case "moved":
			f.Moved = append(f.Moved, Moved{Kind: parts[0], Method: parts[1], Currency: parts[2], Amount: n})
		}
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	err = db.read.QueryRowContext(ctx, `SELECT count(DISTINCT p.registration_id) FROM payments p INDEXED BY payments_flagged
		JOIN registrations r ON r.id = p.registration_id WHERE p.flagged <> '' AND p.flagged = 'partial' AND r.payment_status = 'unpaid'`).Scan(&f.PartlyPaid)
	return f, err
}

// EachPayment calls fn with each payment, oldest first, with its
// registration's reference and name.
func (db *DB) EachPayment(ctx context.Context, fn func(p Payment, reference, name string) error) error {
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.event_id, p.kind, p.amount, p.currency, p.method, p.provider_ref, p.actor,
		p.created_at, p.flagged, r.reference, r.given_names || ' ' || r.family_name FROM payments p JOIN registrations r ON r.id = p.registration_id
		ORDER BY p.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p Payment
		var at, ref, name string
		if err := rows.Scan(&p.ID, &p.EventID, &p.Kind, &p.Amount, &p.Currency, &p.Method, &p.ProviderRef, &p.Actor, &at, &p.Flagged, &ref, &name); err != nil {
			return err
		}
		p.CreatedAt = parseTime(at)
		if err := fn(p, ref, name); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachInvoice calls fn with each invoice and credit note, in the order
// issued, with its registration's reference.
func (db *DB) EachInvoice(ctx context.Context, fn func(inv Invoice, reference string) error) error {
	rows, err := db.read.QueryContext(ctx, "SELECT "+invoiceColumns+", r.reference FROM invoices i JOIN registrations r ON r.id = i.registration_id ORDER BY i.id")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ref string
		inv, err := scanInvoice(rows, &ref)
		if err != nil {
			return err
		}
		if err := fn(inv, ref); err != nil {
			return err
		}
	}
	return rows.Err()
}
