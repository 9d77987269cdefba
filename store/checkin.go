package store

import (
	"context"
	"database/sql"
	"time"
)

// Checkin is the outcome of a badge scanned at the desk.
type Checkin struct {
	Registration Registration
	At           time.Time
	// Already is true when the delegate was checked in before on the same
	// day in the venue's time zone.
	Already bool
}

// CheckIn checks in the holder of a badge code. A forged or unknown code
// is ErrNotFound. An old badge's code is a conflict "revoked_badge"; a
// registration not approved, "not_approved"; a fee not settled,
// "payment_due". With force an organiser checks in anyway past the last
// two, never with a revoked badge: the desk reprints it instead.
func (db *DB) CheckIn(ctx context.Context, actor Actor, code string, force bool) (Checkin, error) {
	ref, version, ok := db.ParseCheckinCode(code)
	if !ok {
		return Checkin{}, ErrNotFound
	}
	var c Checkin
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		r, err := db.findForUpdate(ctx, tx, ref)
		if err != nil {
			return err
		}
		switch {
		case version != r.BadgeVersion:
			return &ConflictError{Reason: "revoked_badge"}
		case r.Status != StatusApproved && !force:
			return &ConflictError{Reason: "not_approved"}
		case r.PaymentStatus == PaymentUnpaid && !force:
			return &ConflictError{Reason: "payment_due"}
		}
		now := db.Now()
		day := now.In(s.Location()).Format(DateLayout)
		var before int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM checkins WHERE registration_id = ? AND day = ?",
			r.ID, day).Scan(&before); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO checkins (registration_id, at, day, actor, forced) VALUES (?, ?, ?, ?, ?)",
			r.ID, formatTime(now), day, actor.String(), force); err != nil {
			return err
		}
		if r.CheckedInAt == nil {
			if _, err := tx.ExecContext(ctx, "UPDATE registrations SET checked_in_at = ? WHERE id = ?", formatTime(now), r.ID); err != nil {
				return err
			}
			r.CheckedInAt = &now
		}
		c = Checkin{Registration: r, At: now, Already: before > 0}
		if c.Already {
			return nil // a second scan the same day changes nothing worth a history line
		}
		detail := map[string]any{"day": day}
		if force {
			detail["forced"] = true
		}
		return db.audit(ctx, tx, actor, "registration.checkin", r.ID, detail)
	})
	return c, err
}
