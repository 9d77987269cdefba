package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"time"
)

// CheckinRequest is one check-in, at the desk or through the API.
type CheckinRequest struct {
	// Code is the text of a badge's QR code. Reference, when set instead,
	// is a registration chosen by name at the desk: no badge is at hand,
	// so there is no badge version to check.
	Code, Reference string
	// Force checks in past "not_approved" and "payment_due" (organisers).
	Force bool
	// Fee, when PaymentPaid or PaymentWaived, settles an unpaid fee at the
	// desk before the check-in (finance).
	Fee string
	// Desk names the desk that checks in ("" for the API without one).
	Desk string
}

// Checkin is the outcome of a check-in.
type Checkin struct {
	Registration Registration
	At           time.Time
	// Already is true when the delegate was checked in before on the same
	// day in the venue's time zone.
	Already bool
}

// CheckIn checks in the holder of a badge code or the registration with a
// reference, settling a fee taken at the desk first, in one transaction.
// A forged or unknown code is ErrNotFound. An old badge's code is a
// conflict "revoked_badge"; a registration not approved, "not_approved";
// a fee not settled, "payment_due". With force an organiser checks in
// anyway past the last two, never with a revoked badge (the desk reprints
// it instead) nor for a registration no longer live. On a conflict the Checkin still carries the registration, so
// that the desk can say whose badge it was.
func (db *DB) CheckIn(ctx context.Context, actor Actor, req CheckinRequest) (Checkin, error) {
	ref, version := req.Reference, 0
	if NormalReference(ref) == "" {
		var ok bool
		if ref, version, ok = db.ParseCheckinCode(req.Code); !ok {
			return Checkin{}, ErrNotFound
		}
	}
	var c Checkin
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		c, err = db.checkInTx(ctx, tx, s, actor, req, ref, version, db.Now())
		return err
	})
	if err == nil && req.Fee != "" {
		db.signalQueued() // the receipt of a fee paid at the desk
	}
	return c, err
}

// checkInTx is CheckIn of the registration ref, by a badge of version (0:
// chosen by name), as scanned at.
func (db *DB) checkInTx(ctx context.Context, tx *sql.Tx, s *Settings, actor Actor, req CheckinRequest, ref string, version int, at time.Time) (Checkin, error) {
	var c Checkin
	r, err := db.findForUpdate(ctx, tx, ref)
	if err != nil {
		return c, err
	}
	c.Registration = r
	switch {
	case version != 0 && version != r.BadgeVersion:
		return c, &ConflictError{Reason: "revoked_badge"}
	case !r.Live():
		return c, &ConflictError{Reason: "not_live"} // cancelled or declined: no force lets them in
	case r.Status != StatusApproved && !req.Force:
		return c, &ConflictError{Reason: "not_approved"}
	}
	if (req.Fee == PaymentPaid || req.Fee == PaymentWaived) && r.PaymentStatus == PaymentUnpaid {
		if _, err := db.settle(ctx, tx, actor, &r, s, DeskPayment(r, req.Fee)); err != nil {
			return c, err
		}
		c.Registration = r
	}
	if r.PaymentStatus == PaymentUnpaid && !req.Force {
		return c, &ConflictError{Reason: "payment_due"}
	}
	c.At = at
	c.Already, err = db.recordCheckin(ctx, tx, actor, &r, s, at, req.Force, req.Desk)
	c.Registration = r
	return c, err
}

// recordCheckin writes the check-in of r at now, at desk, and its first
// arrival (the earliest scan, whatever order desks sent them in), and
// reports whether r was checked in before that day (venue time).
func (db *DB) recordCheckin(ctx context.Context, tx *sql.Tx, actor Actor, r *Registration, s *Settings, now time.Time, forced bool, desk string) (bool, error) {
	day := now.In(s.Location()).Format(DateLayout)
	var before int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM checkins WHERE registration_id = ? AND day = ?",
		r.ID, day).Scan(&before); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO checkins (registration_id, at, day, actor, forced, desk) VALUES (?, ?, ?, ?, ?, ?)",
		r.ID, formatTime(now), day, actor.String(), forced, desk); err != nil {
		return false, err
	}
	if first := r.CheckedInAt == nil; first || now.Before(*r.CheckedInAt) {
		if _, err := tx.ExecContext(ctx, "UPDATE registrations SET checked_in_at = ? WHERE id = ?", formatTime(now), r.ID); err != nil {
			return false, err
		}
		r.CheckedInAt = &now
		if first {
			if err := db.emit(ctx, tx, HookCheckedIn, r); err != nil {
				return false, err
			}
		}
	}
	if before > 0 {
		return true, nil // a second scan the same day changes nothing worth a history line
	}
	detail := map[string]any{"day": day}
	if forced {
		detail["forced"] = true
	}
	return false, db.audit(ctx, tx, actor, "registration.checkin", r.ID, detail)
}

// DeskPayment is r's whole fee paid or waived (kind) at the desk, under
// an event id of its own.
func DeskPayment(r Registration, kind string) Payment {
	b := make([]byte, 8)
	rand.Read(b)
	return Payment{EventID: "desk-" + hex.EncodeToString(b), Kind: kind, Amount: r.Fee.Amount,
		Currency: r.Fee.Currency, Method: "desk"}
}
