package store

import (
	"cmp"
	"context"
	"strings"
	"time"
)

// Arrivals is who came in, for the desk lead's live view: from the
// tallies the triggers keep, and the check-ins of the last minutes from
// their index, so it costs the same at 500 delegates as at 100,000.
type Arrivals struct {
	Day        string         `json:"day"` // today, venue time
	Today      int            `json:"checked_in_today"`
	ByDay      map[string]int `json:"by_day"`
	ByDesk     map[string]int `json:"by_desk"`     // today
	ByCategory map[string]int `json:"by_category"` // today, by code
	Last15     int            `json:"last_15_minutes"`
	Expected   int            `json:"expected"` // approved, never checked in
	CheckedIn  int            `json:"checked_in"`
	// RefusedAfterSync counts the scans made offline that the server
	// refused or held when they came in.
	RefusedAfterSync int `json:"refused_after_sync"`
}

// ArrivalsNow counts the arrivals as of now.
func (db *DB) ArrivalsNow(ctx context.Context) (Arrivals, error) {
	s := db.Settings()
	now := db.Now()
	a := Arrivals{Day: now.In(s.Location()).Format(DateLayout), ByDay: map[string]int{}, ByDesk: map[string]int{}, ByCategory: map[string]int{}}
	rows, err := db.read.QueryContext(ctx, `SELECT dim, key, n FROM tallies WHERE n <> 0 AND (dim IN ('checkin_day', 'expected', 'checked_in')
		OR (dim IN ('checkin_desk', 'checkin_category') AND key >= ? AND key < ?))`, a.Day+" ", a.Day+"!")
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var dim, key string
		var n int
		if err := rows.Scan(&dim, &key, &n); err != nil {
			return a, err
		}
		switch dim {
		case "checkin_day":
			a.ByDay[key] = n
		case "expected":
			a.Expected = n
		case "checked_in":
			a.CheckedIn = n
		case "checkin_desk":
			a.ByDesk[cmp.Or(strings.TrimPrefix(key, a.Day+" "), "—")] = n
		case "checkin_category":
			a.ByCategory[strings.TrimPrefix(key, a.Day+" ")] = n
		}
	}
	if err := rows.Err(); err != nil {
		return a, err
	}
	a.Today = a.ByDay[a.Day]
	err = db.read.QueryRowContext(ctx, "SELECT count(DISTINCT registration_id) FROM checkins WHERE at >= ?",
		formatTime(now.Add(-15*time.Minute))).Scan(&a.Last15)
	if err == nil {
		err = db.read.QueryRowContext(ctx, "SELECT count(*) FROM desk_scans WHERE offline AND outcome IN ('warn', 'refused')").Scan(&a.RefusedAfterSync)
	}
	return a, err
}
