package store

// Capacity: who holds a place at the conference, in a hotel and on a study
// visit; the waiting list; and promotion from it. Every status rule about
// places is here.

import (
	"context"
	"database/sql"
	"time"
)

// The status rules as SQL, one fragment each, so that no query spells out
// a status list of its own.
const (
	// sqlLive selects live registrations: not rejected or cancelled. A
	// live registration keeps its email address, its hotel room and its
	// study-visit place (the waiting list too, so that moving up never
	// loses them).
	sqlLive = "status IN ('pending','approved','waitlisted')"
	// sqlHoldsPlace selects the registrations that count against the
	// conference capacity: pending and approved, not the waiting list.
	sqlHoldsPlace = "status IN ('pending','approved')"
	// sqlCountHoldingPlaces counts the places taken: those, from the
	// status tallies the triggers keep (a count of rows would grow with
	// the registrations), and the open offers of a place to the waiting
	// list, from their index (never more than the capacity).
	sqlCountHoldingPlaces = `SELECT (SELECT coalesce(sum(n), 0) FROM tallies WHERE dim = 'status' AND key IN ('pending','approved'))
		+ (SELECT count(*) FROM registrations WHERE ` + sqlOffered + `)`
	// sqlOffered selects the open offers (index registrations_offers).
	sqlOffered = "offer_until IS NOT NULL"
	// sqlWaiting selects the waiting list still to be offered a place, in
	// the words of its index (registrations_waiting).
	sqlWaiting = "status = 'waitlisted' AND offer_until IS NULL AND offer_passed = 0"
)

// Live reports whether the registration still counts: not rejected or
// cancelled (sqlLive).
func (r Registration) Live() bool {
	return r.Status == StatusPending || r.Status == StatusApproved || r.Status == StatusWaitlisted
}

// admit decides the status and fee of a new registration r under s, with
// taken places (sqlCountHoldingPlaces) already counting against the
// capacity.
func admit(r *Registration, s *Settings, taken int, now time.Time) {
	cat, _ := s.Category(r.Category)
	switch {
	case taken >= s.Capacity:
		r.Status = StatusWaitlisted
	case cat.NeedsApproval:
		r.Status = StatusPending
	default:
		r.Status = StatusApproved
	}
	r.Fee = Money{Amount: s.FeeFor(cat, now), Currency: s.Currency}
	r.PaymentStatus = PaymentNotRequired
	if r.Fee.Amount > 0 {
		r.PaymentStatus = PaymentUnpaid
	}
}

// countHoldingPlaces counts the places taken (sqlCountHoldingPlaces).
func (db *DB) countHoldingPlaces(ctx context.Context, tx *sql.Tx) (int, error) {
	var n int
	err := tx.StmtContext(ctx, db.stmts.countHoldingPlaces).QueryRowContext(ctx).Scan(&n)
	return n, err
}

// checkPlaces refuses a hotel or study visit that is full. A registration
// that keeps the one it already had (old) is never refused.
func checkPlaces(ctx context.Context, tx *sql.Tx, v *ValidationError, s *Settings, d *Details, old *Registration) error {
	h, _ := s.Hotel(d.Hotel)
	sv, _ := s.StudyVisit(d.StudyVisit)
	for _, p := range []struct {
		column, dim, code string
		places            int
		held              func(*Registration) string
	}{
		{"hotel", "hotel", d.Hotel, h.Rooms, func(r *Registration) string { return r.Hotel }},
		{"study_visit", "visit", d.StudyVisit, sv.Capacity, func(r *Registration) string { return r.StudyVisit }},
	} {
		if p.code == "" || (old != nil && old.Live() && p.held(old) == p.code) {
			continue
		}
		// live registrations hold their place, the waiting list too, so
		// that moving up never loses it
		n, err := tally(ctx, tx, p.dim, p.code)
		if err != nil {
			return err
		}
		if n >= p.places {
			v.Add(p.column, "error.full")
		}
	}
	return nil
}

// Taken counts the places held in every hotel and study visit, by code.
func (db *DB) Taken(ctx context.Context) (hotels, visits map[string]int, err error) {
	hotels, visits = map[string]int{}, map[string]int{}
	for _, c := range []struct {
		dim  string
		into map[string]int
	}{{"hotel", hotels}, {"visit", visits}} {
		if err := countInto(ctx, db.read, c.into, "SELECT key, n FROM tallies WHERE dim = ? AND n > 0", c.dim); err != nil {
			return nil, nil, err
		}
	}
	return hotels, visits, nil
}

// promote gives the places that came free to the oldest waitlisted
// registrations not passed over: an offer each to accept by a deadline
// when the setting offer_hours is set, else a place at once. It returns
// how many it offered or moved up.
func (db *DB) promote(ctx context.Context, tx *sql.Tx, s *Settings, actor Actor) (int, error) {
	taken, err := db.countHoldingPlaces(ctx, tx)
	if err != nil {
		return 0, err
	}
	free := s.Capacity - taken
	if free <= 0 {
		return 0, nil
	}
	up, err := db.scanAll(tx.QueryContext(ctx, "SELECT "+detailColumns+` FROM registrations
		WHERE `+sqlWaiting+` ORDER BY created_at, id LIMIT ?`, free))
	if err != nil {
		return 0, err
	}
	for i := range up {
		if s.OfferHours > 0 {
			err = db.offerPlace(ctx, tx, &up[i], s, actor)
		} else {
			err = db.moveUp(ctx, tx, &up[i], s, actor, false)
		}
		if err != nil {
			return 0, err
		}
	}
	return len(up), nil
}

// moveUp gives waitlisted r its place: approved, or pending where its
// category or its delegation's note verbale waits for an organiser.
// accepted tells the history that the delegate accepted an offer.
func (db *DB) moveUp(ctx context.Context, tx *sql.Tx, r *Registration, s *Settings, actor Actor, accepted bool) error {
	to := StatusApproved
	if cat, ok := s.Category(r.Category); !ok || cat.NeedsApproval {
		to = StatusPending
	} else if waiting, err := awaitingNote(ctx, tx, s, r.DelegationID); err != nil {
		return err
	} else if waiting {
		to = StatusPending
	}
	if err := db.setStatus(ctx, tx, r, to, ""); err != nil {
		return err
	}
	detail := map[string]any{"status": []string{StatusWaitlisted, to}}
	if accepted {
		detail["offer"] = "accepted"
	}
	if err := db.audit(ctx, tx, actor, "registration.promoted", r.ID, detail); err != nil {
		return err
	}
	if err := db.queue(ctx, tx, MailPromoted, r, s); err != nil {
		return err
	}
	return db.syncAndTell(ctx, tx, r, s, false)
}
