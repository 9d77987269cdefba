package store

import (
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
	var r Registration
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		r, err = db.findForUpdate(ctx, tx, strings.ToUpper(strings.TrimSpace(reference)))
		if err != nil {
			return err
		}
		if !slices.Contains(from, r.Status) {
			return &ConflictError{Reason: "status_" + r.Status}
		}
		old := r.Status
		if err := db.setStatus(ctx, tx, &r, to, reason); err != nil {
			return err
		}
		detail := map[string]any{"status": []string{old, to}}
		if reason != "" {
			detail["reason"] = reason
		}
		if err := db.audit(ctx, tx, actor, "registration."+to, r.ID, detail); err != nil {
			return err
		}
		if err := db.queue(ctx, tx, mailFor(to), &r, s); err != nil {
			return err
		}
		if err := db.syncAndTell(ctx, tx, &r, s, false); err != nil {
			return err
		}
		if to == StatusRejected || to == StatusCancelled {
			_, err = db.promote(ctx, tx, s, actor)
		}
		return err
	})
	if err != nil {
		return Registration{}, err
	}
	db.signalQueued()
	return r, nil
}

func (db *DB) setStatus(ctx context.Context, tx *sql.Tx, r *Registration, to, reason string) error {
	now := db.Now()
	_, err := tx.ExecContext(ctx, "UPDATE registrations SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?",
		to, reason, formatTime(now), r.ID)
	if err != nil {
		return fmt.Errorf("set status of %s: %w", r.Reference, err)
	}
	r.Status, r.StatusReason, r.UpdatedAt = to, reason, now
	return nil
}

// promote moves the oldest waitlisted registrations up while there is room,
// telling each delegate. It returns how many moved.
func (db *DB) promote(ctx context.Context, tx *sql.Tx, s *Settings, actor Actor) (int, error) {
	live, err := countLive(ctx, tx)
	if err != nil {
		return 0, err
	}
	free := s.Capacity - live
	if free <= 0 {
		return 0, nil
	}
	up, err := db.scanAll(tx.QueryContext(ctx, "SELECT "+detailColumns+` FROM registrations
		WHERE status = 'waitlisted' ORDER BY created_at, id LIMIT ?`, free))
	if err != nil {
		return 0, err
	}
	for i := range up {
		r := &up[i]
		to := StatusApproved
		if cat, ok := s.Category(r.Category); !ok || cat.NeedsApproval {
			to = StatusPending
		}
		if err := db.setStatus(ctx, tx, r, to, ""); err != nil {
			return 0, err
		}
		detail := map[string]any{"status": []string{StatusWaitlisted, to}}
		if err := db.audit(ctx, tx, actor, "registration.promoted", r.ID, detail); err != nil {
			return 0, err
		}
		if err := db.queue(ctx, tx, MailPromoted, r, s); err != nil {
			return 0, err
		}
		if err := db.syncAndTell(ctx, tx, r, s, false); err != nil {
			return 0, err
		}
	}
	return len(up), nil
}

// tellLive queues a message of kind to every live registration.
func (db *DB) tellLive(ctx context.Context, tx *sql.Tx, s *Settings, kind string) (int, error) {
	list, err := db.scanAll(tx.QueryContext(ctx, "SELECT "+detailColumns+` FROM registrations
		WHERE status IN ('pending','approved','waitlisted') ORDER BY id`))
	if err != nil {
		return 0, err
	}
	for i := range list {
		if err := db.queue(ctx, tx, kind, &list[i], s); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

// scanAll reads every row of a query of detailColumns.
func (db *DB) scanAll(rows *sql.Rows, err error) ([]Registration, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []Registration
	for rows.Next() {
		r, err := db.scanDetailed(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	return list, rows.Err()
}
