package store

import (
	"context"
	"fmt"
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
// (pending, approved, waitlisted).
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	s := db.Settings()
	st := Stats{Capacity: s.Capacity, ByStatus: map[string]int{}, ByCategory: map[string]int{},
		ByCountry: map[string]int{}, ByPayment: map[string]int{}, CheckinsByDay: map[string]int{},
		RegistrationsByDay: map[string]int{}, Received: map[string]int64{}}
	for _, x := range Statuses {
		st.ByStatus[x] = 0
	}
	const live = " WHERE " + sqlLive
	loc := s.Location()
	groups := []struct {
		q    string
		into map[string]int
	}{
		{"SELECT status, count(*) FROM registrations GROUP BY 1", st.ByStatus},
		{"SELECT category, count(*) FROM registrations" + live + " GROUP BY 1", st.ByCategory},
		{"SELECT country, count(*) FROM registrations" + live + " GROUP BY 1", st.ByCountry},
		{"SELECT payment_status, count(*) FROM registrations" + live + " GROUP BY 1", st.ByPayment},
		{"SELECT day, count(DISTINCT registration_id) FROM checkins GROUP BY 1", st.CheckinsByDay},
	}
	for _, g := range groups {
		if err := countInto(ctx, db.read, g.into, g.q); err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT created_at, coalesce(checked_in_at, ''), payment_status,
		fee_amount, fee_currency FROM registrations`)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var created, checkedIn, payment, currency string
		var fee int64
		if err := rows.Scan(&created, &checkedIn, &payment, &fee, &currency); err != nil {
			return st, err
		}
		st.RegistrationsByDay[parseTime(created).In(loc).Format(DateLayout)]++
		if checkedIn != "" {
			st.CheckedIn++
		}
		if payment == PaymentPaid {
			st.Received[currency] += fee
		}
	}
	err = db.read.QueryRowContext(ctx, "SELECT count(*) FROM registrations"+live+" AND invitation_letter").
		Scan(&st.LettersRequested)
	if err == nil {
		err = db.read.QueryRowContext(ctx, "SELECT count(*) FROM letters WHERE superseded_at IS NULL").Scan(&st.LettersIssued)
	}
	if err == nil {
		err = db.read.QueryRowContext(ctx, "SELECT count(*) FROM payments WHERE flagged = 'amount_mismatch'").Scan(&st.PaymentsToCheck)
	}
	for _, n := range st.ByStatus {
		st.Total += n
	}
	st.PlacesTaken = st.ByStatus[StatusPending] + st.ByStatus[StatusApproved]
	st.Countries = len(st.ByCountry)
	return st, err
}
