package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// ApproveRegistration approves a pending registration and tells the
// delegate.
func (db *DB) ApproveRegistration(ctx context.Context, actor Actor, reference string) (Registration, error) {
	return db.changeStatus(ctx, actor, reference, StatusApproved, "", StatusPending)
}

// RejectRegistration declines a registration, with the organiser's reason
// for the delegate, and gives its place to the waiting list.
func (db *DB) RejectRegistration(ctx context.Context, actor Actor, reference, reason string) (Registration, error) {
	return db.changeStatus(ctx, actor, reference, StatusRejected, reason, StatusPending, StatusWaitlisted, StatusApproved)
}

// CancelRegistration cancels a live registration and gives its place to the
// waiting list.
func (db *DB) CancelRegistration(ctx context.Context, actor Actor, reference, reason string) (Registration, error) {
	return db.changeStatus(ctx, actor, reference, StatusCancelled, reason, StatusPending, StatusWaitlisted, StatusApproved)
}

// changeStatus moves a registration whose status is one of from to status
// to, writes the history and the message, and promotes from the waiting
// list when a place came free.
func (db *DB) changeStatus(ctx context.Context, actor Actor, reference, to, reason string, from ...string) (Registration, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 500 {
		return Registration{}, &ValidationError{Fields: map[string]Message{"reason": {Key: "error.too_long", Args: []any{500}}}}
	}
	return db.changeRegistration(ctx, reference, func(tx *sql.Tx, s *Settings, r *Registration) error {
		if !slices.Contains(from, r.Status) {
			return &ConflictError{Reason: "status_" + r.Status}
		}
		old := r.Status
		if to == StatusApproved {
			if waiting, err := awaitingNote(ctx, tx, s, r.DelegationID); err != nil || waiting {
				return cmp.Or(err, error(&ConflictError{Reason: "note_verbale_missing"}))
			}
		}
		if err := db.setStatus(ctx, tx, r, to, reason); err != nil {
			return err
		}
		if to == StatusApproved && r.InvitationLetter && r.LetterDecision == "" {
			// an organiser's approval is their word on the letter too
			if err := db.setLetterDecision(ctx, tx, r, LetterGranted, nil, ""); err != nil {
				return err
			}
		}
		detail := map[string]any{"status": []string{old, to}}
		if reason != "" {
			detail["reason"] = reason
		}
		if err := db.audit(ctx, tx, actor, "registration."+to, r.ID, detail); err != nil {
			return err
		}
		if err := db.queue(ctx, tx, mailFor(to), r, s); err != nil {
			return err
		}
		if err := db.syncAndTell(ctx, tx, r, s, false); err != nil {
			return err
		}
		if to == StatusRejected || to == StatusCancelled {
			_, err := db.promote(ctx, tx, s, actor)
			return err
		}
		return nil
	})
}

// changeRegistration runs change on the registration of reference, read
// for update in a write transaction with the settings it is changed
// under, and wakes the mail worker for what it queued.
func (db *DB) changeRegistration(ctx context.Context, reference string, change func(tx *sql.Tx, s *Settings, r *Registration) error) (Registration, error) {
	var r Registration
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		if r, err = db.findForUpdate(ctx, tx, reference); err != nil {
			return err
		}
		return change(tx, s, &r)
	})
	if err != nil {
		return Registration{}, err
	}
	db.signalQueued()
	return r, nil
}

func (db *DB) setStatus(ctx context.Context, tx *sql.Tx, r *Registration, to, reason string) error {
	now := db.Now()
	// a new status ends any offer of a place (accepted, or the
	// registration left the waiting list)
	_, err := tx.ExecContext(ctx, "UPDATE registrations SET status = ?, status_reason = ?, updated_at = ?, offer_until = NULL WHERE id = ?",
		to, reason, formatTime(now), r.ID)
	if err != nil {
		return fmt.Errorf("set status of %s: %w", r.Reference, err)
	}
	r.Status, r.StatusReason, r.UpdatedAt, r.OfferUntil = to, reason, now, nil
	switch to {
	case StatusApproved:
		return db.emit(ctx, tx, HookApproved, r)
	case StatusCancelled:
		return db.emit(ctx, tx, HookCancelled, r)
	}
	return nil
}
