package store

// Fees paid together. A ministry or a city hall pays its officials' fees
// in one transfer: a delegation has a payment reference of its own
// (ICLC-DEL-12), which its pro-forma invoice asks the payer to quote, and
// a transfer that quotes it, or quotes several registrations' references,
// and comes to exactly what they still owe is split among them in one
// transaction.

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// DelegationReference is what a transfer quotes to pay the fees of the
// delegation's members at once.
func DelegationReference(id int64) string { return "ICLC-DEL-" + strconv.FormatInt(id, 10) }

// delegationPattern finds a delegation's payment reference in a
// statement's text, however the bank spaced or cased it.
var delegationPattern = regexp.MustCompile(`(?i)ICLC[\s-]?DEL[\s-]?(\d{1,9})\b`)

// Owed is a fee still owed: whose, and what is left of it.
type Owed struct {
	Reference string
	Name      string
	Category  string
	Left      int64
	Currency  string
}

// owedBy is what r still owes, if anything.
func owedBy(r *Registration, got Received) (Owed, bool) {
	if !r.Live() || r.PaymentStatus != PaymentUnpaid || r.Fee.Amount <= 0 || got.Left == 0 {
		return Owed{}, false
	}
	return Owed{Reference: r.Reference, Name: r.FullName(), Category: r.Category, Left: got.Left, Currency: strings.ToUpper(r.Fee.Currency)}, true
}

// DelegationOwed is every fee the delegation's members still owe, in the
// order of its list.
func (db *DB) DelegationOwed(ctx context.Context, delegation int64) ([]Owed, error) {
	members, err := db.Members(ctx, delegation)
	if err != nil {
		return nil, err
	}
	return db.OwedBy(ctx, members)
}

// OwedBy is every fee the registrations still owe, in their order.
func (db *DB) OwedBy(ctx context.Context, members []Registration) ([]Owed, error) {
	var out []Owed
	for i := range members {
		got, err := db.ReceivedFor(ctx, &members[i])
		if err != nil {
			return nil, err
		}
		if o, ok := owedBy(&members[i], got); ok {
			out = append(out, o)
		}
	}
	return out, nil
}

// StillDue is what the registrations with these references still owe of
// their fees; a fee settled (paid, waived, refunded, none asked) owes
// nothing.
func (db *DB) StillDue(ctx context.Context, references ...string) (int64, error) {
	var left int64
	for _, ref := range references {
		r, got, err := db.listed(ctx, ref)
		if err != nil {
			return 0, err
		}
		if !r.FeeSettled() {
			left += got.Left
		}
	}
	return left, nil
}

// RecordTransfers records one transfer that pays the fees of several
// registrations: each is given what it still owes, which together must be
// the transfer's amount (a conflict "transfer_split" otherwise), all in
// one transaction or none. Each part is kept under the transfer's bank
// reference, which then counts once for them all.
func (db *DB) RecordTransfers(ctx context.Context, actor Actor, references []string, t Transfer) error {
	if err := db.checkTransfer(&t); err != nil {
		return err
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		var regs []Registration
		var parts []int64
		var sum int64
		for _, ref := range references {
			r, err := db.findForUpdate(ctx, tx, ref)
			if err != nil {
				return err
			}
			if slices.ContainsFunc(regs, func(x Registration) bool { return x.ID == r.ID }) {
				continue
			}
			got, err := received(ctx, tx, &r)
			if err != nil {
				return err
			}
			o, ok := owedBy(&r, got)
			if !ok {
				return &ConflictError{Reason: "payment_" + r.PaymentStatus}
			}
			sum += o.Left
			regs, parts = append(regs, r), append(parts, o.Left)
		}
		if sum != t.Amount || len(regs) == 0 {
			return &ConflictError{Reason: "transfer_split"}
		}
		if err := refuseRecorded(ctx, tx, t.BankRef); err != nil {
			return err
		}
		// the parts are known as one transfer by its bank reference, or
		// without one by a token of their own
		group := "transfer-" + t.BankRef
		if t.BankRef == "" {
			token, _ := NewToken()
			group = "transfer-split-" + token
		}
		for i := range regs {
			part := t
			part.Amount, part.event = parts[i], group+"/"+regs[i].Reference
			if _, err := db.recordTransfer(ctx, tx, actor, &regs[i], s, part); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		db.signalQueued()
	}
	return err
}

// transferRecorded reports whether a bank reference was recorded
// before, whole or as the parts of one transfer.
func transferRecorded(ctx context.Context, q rowQuerier, bankRef string) (bool, error) {
	if bankRef == "" {
		return false, nil
	}
	event := "transfer-" + bankRef
	var n int
	// the parts are event+"/"+reference: between "/" and "0" in byte order
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM payments WHERE event_id = ? OR (event_id > ? AND event_id < ?)",
		event, event+"/", event+"0").Scan(&n)
	return n > 0, err
}

// refuseRecorded is a conflict "transfer_recorded" for a bank reference
// recorded before.
func refuseRecorded(ctx context.Context, tx *sql.Tx, bankRef string) error {
	done, err := transferRecorded(ctx, tx, bankRef)
	if err == nil && done {
		err = &ConflictError{Reason: "transfer_recorded"}
	}
	return err
}

// matchTogether matches a statement line that quotes a delegation's
// payment reference, or more than one registration's: "together" when it
// comes to exactly what they owe in its currency, "ambiguous" when not.
func (db *DB) matchTogether(ctx context.Context, m *Match, refs []string, delegations []string) error {
	var owed []Owed
	switch {
	case len(delegations) == 1 && len(refs) == 0:
		id, _ := strconv.ParseInt(delegations[0], 10, 64)
		d, err := db.FindDelegation(ctx, id)
		if errors.Is(err, ErrNotFound) {
			m.Status = "unknown"
			return nil
		}
		if err != nil {
			return err
		}
		m.Name = d.Name
		if owed, err = db.DelegationOwed(ctx, id); err != nil {
			return err
		}
	case len(delegations) == 0:
		for _, ref := range refs {
			r, got, err := db.listed(ctx, ref)
			if errors.Is(err, ErrNotFound) {
				m.Status = "ambiguous"
				return nil
			}
			if err != nil {
				return err
			}
			o, ok := owedBy(&r, got)
			if !ok {
				m.Status = "ambiguous"
				return nil
			}
			owed = append(owed, o)
		}
	default:
		m.Status = "ambiguous"
		return nil
	}
	var sum int64
	for _, o := range owed {
		if o.Currency == m.Currency {
			m.Together = append(m.Together, o)
			sum += o.Left
		}
	}
	m.Left = sum
	recorded, err := transferRecorded(ctx, db.read, m.BankRef)
	switch {
	case err != nil:
		return err
	case recorded:
		m.Status = "recorded"
	case len(m.Together) == 0:
		m.Status = "not_owed"
	case sum == m.Amount:
		m.Status = "together"
		refs := make([]string, len(m.Together))
		for i, o := range m.Together {
			refs[i] = o.Reference
		}
		m.Reference = strings.Join(refs, " ")
	default:
		m.Status = "ambiguous"
	}
	return nil
}
