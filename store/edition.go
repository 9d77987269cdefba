package store

// The next edition, started from this one: its settings, categories and
// fees, hotels, study visits, texts, signatory and signature, privacy
// notice, access codes (new ones, of the same kinds) and organiser
// accounts, with its dates moved; nothing personal of delegates.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// EditionCopy says what was copied into a new edition.
type EditionCopy struct {
	Organisers, Passkeys, AccessCodes, Categories, Hotels, Visits int
	Shift                                                         int // days the dates moved
}

// CopyEditionFrom fills db, a new and empty database, from old: the
// settings with the conference on start…end and every other date moved
// by as many days (registration window, payment deadline, early-bird
// deadlines, study visits, access codes' expiry), and the organisers.
// db must be opened with old's installation key, so that sealed values
// (second factors) open.
func (db *DB) CopyEditionFrom(ctx context.Context, actor Actor, old *DB, start, end string) (EditionCopy, error) {
	var c EditionCopy
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM registrations").Scan(&n); err != nil || n > 0 {
		return c, fmt.Errorf("the new edition's database holds %d registrations: start it from an empty file (%v)", n, err)
	}
	s := old.Settings()
	newStart, err1 := ParseDate(start)
	if _, err2 := ParseDate(end); err1 != nil || err2 != nil {
		v := &ValidationError{}
		if err1 != nil {
			v.Add("start_date", "error.date")
		}
		if err2 != nil {
			v.Add("end_date", "error.date")
		}
		return c, v
	}
	c.Shift = int(newStart.Sub(s.Start()).Hours() / 24)
	shift := func(d string) string {
		if t, err := ParseDate(d); err == nil {
			return t.AddDate(0, 0, c.Shift).Format(DateLayout)
		}
		return d
	}
	s.StartDate, s.EndDate = start, end
	s.RegistrationOpens, s.RegistrationCloses, s.PaymentDeadline = shift(s.RegistrationOpens), shift(s.RegistrationCloses), shift(s.PaymentDeadline)
	for i := range s.Categories {
		s.Categories[i].EarlyDeadline = shift(s.Categories[i].EarlyDeadline)
	}
	for i := range s.StudyVisits {
		s.StudyVisits[i].Date = shift(s.StudyVisits[i].Date)
	}
	s.StatementColumns = StatementColumns{}
	if _, err := db.UpdateSettings(ctx, actor, s); err != nil {
		return c, err
	}
	c.Categories, c.Hotels, c.Visits = len(s.Categories), len(s.Hotels), len(s.StudyVisits)

	// organisers, their passkeys and the signature, as they are
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if c.Organisers, err = copyTable(ctx, old.read, tx, "users"); err != nil {
			return err
		}
		if c.Passkeys, err = copyTable(ctx, old.read, tx, "passkeys"); err != nil {
			return err
		}
		_, err = copyTable(ctx, old.read, tx, "assets")
		return err
	})
	if err != nil {
		return c, err
	}
	if n, err := old.CurrentNotice(ctx); err == nil && !n.BuiltIn() {
		if _, err := db.PublishNotice(ctx, actor, n.Body, false); err != nil {
			return c, err
		}
	}
	codes, err := old.FindAccessCodes(ctx)
	if err != nil {
		return c, err
	}
	for _, a := range codes {
		if a.RevokedAt != nil {
			continue
		}
		// the same kind of code under a new secret: last edition's
		// invitations open nothing in this one
		if _, err := db.CreateAccessCode(ctx, actor, NewAccessCode{Category: a.Category, MaxUses: a.MaxUses,
			ExpiresOn: shift(a.ExpiresOn), Note: a.Note}); err != nil {
			return c, err
		}
		c.AccessCodes++
	}
	return c, db.tx(ctx, func(tx *sql.Tx) error {
		return db.audit(ctx, tx, actor, "edition.copied", 0, map[string]any{"from": old.Path(), "shift_days": c.Shift,
			"organisers": c.Organisers})
	})
}

// copyTable copies every row of table from another database of the same
// schema, column for column, and returns how many.
func copyTable(ctx context.Context, from *sql.DB, tx *sql.Tx, table string) (int, error) {
	rows, err := from.QueryContext(ctx, "SELECT * FROM "+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	insert := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ")"
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if _, err := tx.ExecContext(ctx, insert, vals...); err != nil {
			return n, fmt.Errorf("copy %s: %w", table, err)
		}
		n++
	}
	return n, rows.Err()
}
