package store

import (
	"context"
	"database/sql"
	"fmt"
	"unicode"
)

// Drawable reports whether the badges and letters can print s: Latin
// (with Vietnamese), Greek and Cyrillic letters, digits and punctuation.
// Other scripts need shaping or fonts the documents do not carry.
func Drawable(s string) bool {
	for _, r := range s {
		if !unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic, unicode.Common, unicode.Inherited) {
			return false
		}
	}
	return true
}

// ReissueBadge raises a registration's badge version: the old badge's
// code stops working at check-in.
func (db *DB) ReissueBadge(ctx context.Context, actor Actor, reference string) (Registration, error) {
	var r Registration
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = db.findForUpdate(ctx, tx, reference)
		if err != nil {
			return err
		}
		r.BadgeVersion++
		if _, err := tx.ExecContext(ctx, "UPDATE registrations SET badge_version = ?, updated_at = ? WHERE id = ?",
			r.BadgeVersion, formatTime(db.Now()), r.ID); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "badge.reissue", r.ID, map[string]any{"version": r.BadgeVersion})
	})
	return r, err
}

// MarkBadgesPrinted counts one more print of each badge.
func (db *DB) MarkBadgesPrinted(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return markPrinted(ctx, tx, formatTime(db.Now()), ids) })
}

func markPrinted(ctx context.Context, tx *sql.Tx, now string, ids []int64) error {
	st, err := tx.PrepareContext(ctx, `UPDATE registrations SET badge_printed_count = badge_printed_count + 1,
		badge_printed_at = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, id := range ids {
		if _, err := st.ExecContext(ctx, now, id); err != nil {
			return fmt.Errorf("mark badge printed: %w", err)
		}
	}
	return nil
}
