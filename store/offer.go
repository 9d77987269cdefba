package store

// Waiting-list offers: when a place comes free and the setting offer_hours
// is set, the oldest waitlisted delegate is offered it until a deadline.
// The offer holds the place (sqlCountHoldingPlaces) until the delegate
// accepts it on the private page or it lapses and goes to the next one.

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// offerPlace offers waitlisted r a place until offer_hours from now and
// tells the delegate.
func (db *DB) offerPlace(ctx context.Context, tx *sql.Tx, r *Registration, s *Settings, actor Actor) error {
	now := db.Now()
	until := now.Add(time.Duration(s.OfferHours) * time.Hour)
	if _, err := tx.ExecContext(ctx, "UPDATE registrations SET offer_until = ?, updated_at = ? WHERE id = ?",
		formatTime(until), formatTime(now), r.ID); err != nil {
		return fmt.Errorf("offer a place to %s: %w", r.Reference, err)
	}
	r.OfferUntil, r.UpdatedAt = &until, now
	if err := db.audit(ctx, tx, actor, "registration.offered", r.ID, map[string]any{"until": formatTime(until)}); err != nil {
		return err
	}
	return db.queue(ctx, tx, MailOffer, r, s)
}

// AcceptOffer gives the delegate of reference the place offered to them,
// while the offer is open.
func (db *DB) AcceptOffer(ctx context.Context, actor Actor, reference string) (Registration, error) {
	return db.changeRegistration(ctx, reference, func(tx *sql.Tx, s *Settings, r *Registration) error {
		switch {
		case r.Status != StatusWaitlisted || (r.OfferUntil == nil && !r.OfferPassed):
			return &ConflictError{Reason: "no_offer"}
		case r.OfferUntil == nil || !db.Now().Before(*r.OfferUntil):
			return &ConflictError{Reason: "offer_lapsed"} // the worker passes it on
		}
		return db.moveUp(ctx, tx, r, s, actor, true)
	})
}

// ExpireOffers passes over the delegates whose offers have lapsed, telling
// each, and offers their places to the next on the waiting list. The
// server runs it every minute and at start, so offers that lapsed while it
// was stopped go on at once. It returns how many lapsed.
func (db *DB) ExpireOffers(ctx context.Context) (int, error) {
	var n int
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		lapsed, err := db.scanAll(tx.QueryContext(ctx, "SELECT "+detailColumns+` FROM registrations
			WHERE `+sqlOffered+` AND offer_until <= ? ORDER BY offer_until, id`, formatTime(db.Now())))
		if err != nil {
			return err
		}
		for i := range lapsed {
			r := &lapsed[i]
			if _, err := tx.ExecContext(ctx, "UPDATE registrations SET offer_until = NULL, offer_passed = 1, updated_at = ? WHERE id = ?",
				formatTime(db.Now()), r.ID); err != nil {
				return err
			}
			detail := map[string]any{"until": formatTime(*r.OfferUntil)}
			r.OfferPassed = true
			if err := db.audit(ctx, tx, System, "registration.offer_lapsed", r.ID, detail); err != nil {
				return err
			}
			if err := db.queue(ctx, tx, MailOfferLapsed, r, s); err != nil {
				return err
			}
		}
		n = len(lapsed)
		if n == 0 {
			return nil
		}
		_, err = db.promote(ctx, tx, s, System)
		return err
	})
	if err == nil && n > 0 {
		db.signalQueued()
	}
	return n, err
}

// ReturnToWaitingList puts a delegate who let an offer lapse back in their
// place on the waiting list (an organiser's choice, asked for by the
// delegate); a place that is free is offered at once.
func (db *DB) ReturnToWaitingList(ctx context.Context, actor Actor, reference string) (Registration, error) {
	return db.changeRegistration(ctx, reference, func(tx *sql.Tx, s *Settings, r *Registration) error {
		if r.Status != StatusWaitlisted || !r.OfferPassed {
			return &ConflictError{Reason: "not_passed"}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE registrations SET offer_passed = 0, updated_at = ? WHERE id = ?",
			formatTime(db.Now()), r.ID); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, "registration.waitlisted_again", r.ID, nil); err != nil {
			return err
		}
		if _, err := db.promote(ctx, tx, s, actor); err != nil {
			return err
		}
		again, err := db.findForUpdate(ctx, tx, reference) // offered the place, maybe
		*r = again
		return err
	})
}

// OpenOffers lists the open offers, soonest deadline first: as many as
// places are free at most, read from their index.
func (db *DB) OpenOffers(ctx context.Context) ([]Registration, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+registrationColumns+" FROM registrations WHERE "+sqlOffered+
		" ORDER BY offer_until, id")
	return collect(rows, err, scanListed)
}
