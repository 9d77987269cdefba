package store

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Stats are the numbers of the conference.
type Stats struct {
	Total            int            `json:"total"`
	Capacity         int            `json:"capacity"`
	PlacesTaken      int            `json:"places_taken"` // pending, approved and offered: what counts against the capacity
	OffersOpen       int            `json:"offers_open"`  // places offered to the waiting list, not yet accepted
	ByStatus         map[string]int `json:"by_status"`
	ByCategory       map[string]int `json:"by_category"`
	ByCountry        map[string]int `json:"by_country"`
	ByPayment        map[string]int `json:"by_payment"`
	CheckedIn        int            `json:"checked_in"`
	CheckinsByDay    map[string]int `json:"checkins_by_day"` // delegates checked in each day, venue time
	LettersRequested int            `json:"letters_requested"`
	LettersIssued    int            `json:"letters_issued"` // valid letters
	// RegistrationsByDay counts registrations by the day they arrived, in
	// the venue's time zone.
	RegistrationsByDay map[string]int `json:"registrations_by_day"`
	// Received is the money received: paid fees, by currency.
	Received  map[string]int64 `json:"received"`
	Countries int              `json:"countries"`
	// Unprinted counts approved registrations whose badge was never printed.
	Unprinted int `json:"badges_unprinted"`
	// PaymentsToCheck counts card payments whose amount or currency was
	// not the fee due: kept, not counted, for finance.
	PaymentsToCheck int `json:"payments_to_check"`
	// Delegations are the numbers of each delegation, by name.
	Delegations []DelegationStats `json:"delegations"`
	// MemberStates counts the Member States represented: the countries of
	// Member State delegations with a member nominated, against the
	// MemberStatesExpected the conference looks for.
	MemberStates         int `json:"member_states"`
	MemberStatesExpected int `json:"member_states_expected"`
	// Cities counts the cities of delegates of the city categories, one
	// however it is spelled; CitiesInterested those that want to join the
	// Global Network of Learning Cities (none of whose delegates says it
	// belongs).
	Cities           int `json:"cities"`
	CitiesInterested int `json:"cities_interested"`
}

// MemberStatesExpected is how many countries the conference expects
// ("more than 100").
const MemberStatesExpected = 100

// DelegationStats are one delegation's numbers: members nominated (live:
// pending, approved or waiting), approved and checked in.
type DelegationStats struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Country   string `json:"country,omitempty"`
	Quota     int    `json:"quota"`
	Nominated int    `json:"nominated"`
	Approved  int    `json:"approved"`
	CheckedIn int    `json:"checked_in"`
}

// Stats counts registrations by status, category, country, payment and
// check-in. Category, country and payment counts are of live registrations
// (pending, approved, waitlisted). It reads the tallies the triggers keep
// (migration 0018), so it costs the same at 100 registrations as at 100,000.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	s := db.Settings()
	st := Stats{Capacity: s.Capacity, ByStatus: map[string]int{}, ByCategory: map[string]int{},
		ByCountry: map[string]int{}, ByPayment: map[string]int{}, CheckinsByDay: map[string]int{},
		RegistrationsByDay: map[string]int{}, Received: map[string]int64{}}
	for _, x := range Statuses {
		st.ByStatus[x] = 0
	}
	loc := s.Location()
	rows, err := db.read.QueryContext(ctx, `SELECT dim, key, n FROM tallies WHERE n <> 0 AND dim IN ('status', 'category', 'country', 'payment',
		'checkin_day', 'checked_in', 'received', 'letters_requested', 'letters_issued', 'unprinted',
		'delegation_status', 'delegation_checked_in', 'city')`)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	delegationStatus, delegationIn, cities := map[string]int{}, map[string]int{}, map[string]int{}
	into := map[string]map[string]int{"status": st.ByStatus, "category": st.ByCategory, "country": st.ByCountry,
		"payment": st.ByPayment, "checkin_day": st.CheckinsByDay, "delegation_status": delegationStatus,
		"delegation_checked_in": delegationIn, "city": cities}
	for rows.Next() {
		var dim, key string
		var n int64
		if err := rows.Scan(&dim, &key, &n); err != nil {
			return st, err
		}
		switch dim {
		case "checked_in":
			st.CheckedIn = int(n)
		case "received":
			st.Received[key] = n
		case "letters_requested":
			st.LettersRequested = int(n)
		case "letters_issued":
			st.LettersIssued = int(n)
		case "unprinted":
			st.Unprinted = int(n)
		default:
			if m, ok := into[dim]; ok {
				m[key] = int(n)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	err = db.read.QueryRowContext(ctx, "SELECT count(*) FROM payments WHERE flagged = 'amount_mismatch'").Scan(&st.PaymentsToCheck)
	for _, n := range st.ByStatus {
		st.Total += n
	}
	if err == nil {
		err = db.registrationsByDay(ctx, loc, st.Total, st.RegistrationsByDay)
	}
	if err == nil {
		err = db.read.QueryRowContext(ctx, "SELECT count(*) FROM registrations WHERE "+sqlOffered).Scan(&st.OffersOpen)
	}
	st.PlacesTaken = st.ByStatus[StatusPending] + st.ByStatus[StatusApproved] + st.OffersOpen
	st.Countries = len(st.ByCountry)
	st.Cities, st.CitiesInterested = cityCounts(cities)
	if err == nil {
		err = db.delegationStats(ctx, &st, delegationStatus, delegationIn)
	}
	return st, err
}

// delegationStats fills in each delegation's numbers from its tallies,
// and the Member States represented.
func (db *DB) delegationStats(ctx context.Context, st *Stats, byStatus, checkedIn map[string]int) error {
	rows, err := db.read.QueryContext(ctx, "SELECT id, name, kind, country, quota FROM delegations ORDER BY name COLLATE NOCASE, id")
	list, err := collect(rows, err, func(row scanner) (DelegationStats, error) {
		var d DelegationStats
		err := row.Scan(&d.ID, &d.Name, &d.Kind, &d.Country, &d.Quota)
		return d, err
	})
	if err != nil {
		return err
	}
	states := map[string]bool{}
	for i := range list {
		d := &list[i]
		id := strconv.FormatInt(d.ID, 10)
		for _, status := range []string{StatusPending, StatusApproved, StatusWaitlisted} {
			d.Nominated += byStatus[id+":"+status]
		}
		d.Approved, d.CheckedIn = byStatus[id+":"+StatusApproved], checkedIn[id]
		if d.Kind == "member_state" && d.Nominated > 0 {
			states[d.Country] = true
		}
	}
	st.Delegations, st.MemberStates, st.MemberStatesExpected = list, len(states), MemberStatesExpected
	return nil
}

// byDay is the last count of registrations by venue day, kept so that a
// later one reads only the quarter-hours since: new registrations arrive
// in the current quarter-hour.
type byDay struct {
	mu sync.Mutex
	byDayCount
}

type byDayCount struct {
	loc   *time.Location
	total int    // registrations counted
	last  string // the latest quarter-hour counted
	lastN int    // and its count then
	days  map[string]int
}

// registrationsByDay adds the registrations of each venue day to into, from
// the quarter-hour tallies. Only the quarter-hours from the last one
// counted are read again, unless the total shows a change elsewhere.
func (db *DB) registrationsByDay(ctx context.Context, loc *time.Location, total int, into map[string]int) error {
	c := &db.byDay
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loc != loc || c.days == nil {
		c.byDayCount = byDayCount{loc: loc, days: map[string]int{}}
	}
	tail, err := db.quarters(ctx, c.last)
	if err != nil {
		return err
	}
	added := -c.lastN
	for _, q := range tail {
		added += q.n
	}
	if c.total+added != total { // a change before the last quarter-hour: count all again
		c.byDayCount = byDayCount{loc: loc, days: map[string]int{}}
		if tail, err = db.quarters(ctx, ""); err != nil {
			return err
		}
	} else if c.last != "" {
		c.days[venueDay(c.last, loc)] -= c.lastN
	}
	for _, q := range tail {
		c.days[venueDay(q.key, loc)] += q.n
	}
	if len(tail) > 0 {
		c.last, c.lastN = tail[len(tail)-1].key, tail[len(tail)-1].n
	}
	c.total = total
	for d, n := range c.days {
		if n != 0 {
			into[d] = n
		}
	}
	return nil
}

type quarter struct {
	key string
	n   int
}

// quarters reads the quarter-hour tallies from the one at from.
func (db *DB) quarters(ctx context.Context, from string) ([]quarter, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT key, n FROM tallies WHERE dim = 'quarter' AND key >= ? ORDER BY key", from)
	return collect(rows, err, func(r scanner) (quarter, error) {
		var q quarter
		return q, r.Scan(&q.key, &q.n)
	})
}

// venueDay is the venue's date of a quarter-hour key.
func venueDay(key string, loc *time.Location) string {
	t, err := time.Parse("2006-01-02T15:04", key)
	if err != nil {
		return ""
	}
	return t.In(loc).Format(DateLayout)
}

// Countries are the countries of live registrations, by ISO code.
func (db *DB) Countries(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT key FROM tallies WHERE dim = 'country' AND n > 0 ORDER BY key")
	return collect(rows, err, scanString)
}

// tally reads one count the triggers keep.
func tally(ctx context.Context, q querier, dim, key string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT coalesce(sum(n), 0) FROM tallies WHERE dim = ? AND key = ?", dim, key).Scan(&n)
	return n, err
}

// BadgeCounts is how many registrations are approved and how many of them
// never had their badge printed.
func (db *DB) BadgeCounts(ctx context.Context) (approved, unprinted int, err error) {
	if approved, err = tally(ctx, db.read, "status", StatusApproved); err == nil {
		unprinted, err = tally(ctx, db.read, "unprinted", "")
	}
	return approved, unprinted, err
}
