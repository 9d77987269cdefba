package store

import (
	"context"
	"fmt"
	"time"
)

// Stats are the numbers of the conference.
type Stats struct {
	Total            int            `json:"total"`
	Capacity         int            `json:"capacity"`
	PlacesTaken      int            `json:"places_taken"` // pending and approved: what counts against the capacity
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
	// PaymentsToCheck counts card payments whose amount or currency was
	// not the fee due: kept, not counted, for finance.
	PaymentsToCheck int `json:"payments_to_check"`
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
	rows, err := db.read.QueryContext(ctx, "SELECT dim, key, n FROM tallies WHERE n <> 0")
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	into := map[string]map[string]int{"status": st.ByStatus, "category": st.ByCategory, "country": st.ByCountry,
		"payment": st.ByPayment, "checkin_day": st.CheckinsByDay}
	for rows.Next() {
		var dim, key string
		var n int64
		if err := rows.Scan(&dim, &key, &n); err != nil {
			return st, err
		}
		switch dim {
		case "quarter":
			if t, err := time.Parse("2006-01-02T15:04", key); err == nil {
				st.RegistrationsByDay[t.In(loc).Format(DateLayout)] += int(n)
			}
		case "checked_in":
			st.CheckedIn = int(n)
		case "received":
			st.Received[key] = n
		case "letters_requested":
			st.LettersRequested = int(n)
		case "letters_issued":
			st.LettersIssued = int(n)
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
	st.PlacesTaken = st.ByStatus[StatusPending] + st.ByStatus[StatusApproved]
	st.Countries = len(st.ByCountry)
	return st, err
}

// tally reads one count the triggers keep.
func tally(ctx context.Context, q querier, dim, key string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT coalesce(sum(n), 0) FROM tallies WHERE dim = ? AND key = ?", dim, key).Scan(&n)
	return n, err
}
