package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"delegate/store"
)

// TestTalliesMatchTheRows makes every kind of change a conference sees
// (registrations over the capacity, approvals, edits that move hotel and
// country, cancellations that promote, check-ins, payments, letters and
// their reissue) and checks that the counts the triggers keep are what
// counting the rows gives.
func TestTalliesMatchTheRows(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	s := db.Settings()
	s.Capacity, s.Signatory.Name = 20, "Test Signatory"
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	var refs []string
	for i := range 30 {
		d := details(fmt.Sprintf("d%d@example.org", i))
		if i%3 == 0 {
			d = visaDetails(fmt.Sprintf("d%d@example.org", i))
		}
		d.Category = []string{"member_state", "speaker", "academia"}[i%3]
		d.Country = []string{"CO", "MX", "SN", "FR"}[i%4]
		if i%2 == 0 {
			d.Hotel = s.Hotels[i%len(s.Hotels)].Code
		}
		if i%5 == 0 {
			d.StudyVisit = s.StudyVisits[0].Code
		}
		r, err := db.CreateRegistration(ctx, store.System, d)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r.Reference)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, ref := range refs[:6] {
		if r, _ := db.FindRegistration(ctx, ref); r.Status == store.StatusPending {
			must(db.ApproveRegistration(ctx, store.System, ref))
		}
	}
	r, _ := db.FindRegistration(ctx, refs[1])
	d := r.Details
	d.Country, d.Hotel = "JP", ""
	must(db.UpdateRegistration(ctx, store.System, refs[1], d))
	must(db.CancelRegistration(ctx, store.System, refs[2], "")) // a waitlisted one moves up
	must(db.RejectRegistration(ctx, store.System, refs[7], ""))
	for _, ref := range refs[3:5] {
		must(db.CheckIn(ctx, store.System, store.CheckinRequest{Reference: ref, Force: true}))
		must(db.CheckIn(ctx, store.System, store.CheckinRequest{Reference: ref, Force: true})) // twice the same day
	}
	paid, _ := db.FindRegistration(ctx, refs[4])
	if paid.Fee.Amount > 0 {
		_, _, err := db.RecordPayment(ctx, store.System, refs[4], store.Payment{EventID: "desk-1", Kind: store.PaymentPaid,
			Amount: paid.Fee.Amount, Currency: paid.Fee.Currency, Method: "desk"})
		must(nil, err)
	}
	must(db.IssueLetter(ctx, store.System, refs[3]))
	must(db.IssueLetter(ctx, store.System, refs[3])) // a reissue supersedes the first
	must(db.IssueLetter(ctx, store.System, refs[0]))

	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	group := func(q string) map[string]int {
		t.Helper()
		out := map[string]int{}
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int
			rows.Scan(&k, &n)
			out[k] = n
		}
		return out
	}
	one := func(q string) int {
		t.Helper()
		var n int
		if err := raw.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const live = " WHERE status IN ('pending','approved','waitlisted')"
	byStatus := map[string]int{}
	for _, x := range store.Statuses {
		byStatus[x] = 0
	}
	maps.Copy(byStatus, group("SELECT status, count(*) FROM registrations GROUP BY 1"))
	hotels, visits, _ := db.Taken(ctx)
	for _, c := range []struct {
		name      string
		got, want map[string]int
	}{
		{"by status", st.ByStatus, byStatus},
		{"by category", st.ByCategory, group("SELECT category, count(*) FROM registrations" + live + " GROUP BY 1")},
		{"by country", st.ByCountry, group("SELECT country, count(*) FROM registrations" + live + " GROUP BY 1")},
		{"by payment", st.ByPayment, group("SELECT payment_status, count(*) FROM registrations" + live + " GROUP BY 1")},
		{"check-ins by day", st.CheckinsByDay, group("SELECT day, count(DISTINCT registration_id) FROM checkins GROUP BY 1")},
		{"registrations by day", st.RegistrationsByDay, group("SELECT substr(created_at, 1, 10), count(*) FROM registrations GROUP BY 1")},
		{"hotels", hotels, group("SELECT hotel, count(*) FROM registrations" + live + " AND hotel <> '' GROUP BY 1")},
		{"visits", visits, group("SELECT study_visit, count(*) FROM registrations" + live + " AND study_visit <> '' GROUP BY 1")},
	} {
		if !maps.Equal(c.got, c.want) {
			t.Errorf("%s: tallies %v, rows %v", c.name, c.got, c.want)
		}
	}
	recipients := func(f store.Filter) int {
		t.Helper()
		n, err := db.CountRecipients(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"total", st.Total, one("SELECT count(*) FROM registrations")},
		{"places taken", st.PlacesTaken, one("SELECT count(*) FROM registrations WHERE status IN ('pending','approved') OR offer_until IS NOT NULL")},
		{"checked in", st.CheckedIn, one("SELECT count(*) FROM registrations WHERE checked_in_at IS NOT NULL")},
		{"letters requested", st.LettersRequested, one("SELECT count(*) FROM registrations" + live + " AND invitation_letter")},
		{"badges unprinted", st.Unprinted, one("SELECT count(*) FROM registrations WHERE status = 'approved' AND badge_printed_count = 0")},
		{"letters issued", st.LettersIssued, one("SELECT count(*) FROM letters WHERE superseded_at IS NULL")},
		{"received", int(st.Received[s.Currency]), one("SELECT coalesce(sum(fee_amount), 0) FROM registrations WHERE payment_status = 'paid'")},
		{"a message to all", recipients(store.Filter{}), one("SELECT count(*) FROM registrations" + live)},
		{"a message to the waiting list", recipients(store.Filter{Status: store.StatusWaitlisted}), byStatus[store.StatusWaitlisted]},
		{"a message to one country", recipients(store.Filter{Country: "MX"}), one("SELECT count(*) FROM registrations" + live + " AND country = 'MX'")},
	} {
		if c.got != c.want {
			t.Errorf("%s: tallies %d, rows %d", c.name, c.got, c.want)
		}
	}
	// the count by day goes on from where it was: a later day, then the
	// same quarter-hour again
	for i, d := range []time.Duration{49 * time.Hour, time.Minute} {
		clk.Advance(d)
		if _, err := db.CreateRegistration(ctx, store.System, details(fmt.Sprintf("later%d@example.org", i))); err != nil {
			t.Fatal(err)
		}
		later, _ := db.Stats(ctx)
		if want := group("SELECT substr(created_at, 1, 10), count(*) FROM registrations GROUP BY 1"); !maps.Equal(later.RegistrationsByDay, want) {
			t.Errorf("by day after a later registration: tallies %v, rows %v", later.RegistrationsByDay, want)
		}
	}
	if st.LettersIssued != 2 || st.CheckedIn != 2 || st.ByStatus[store.StatusWaitlisted] == 0 {
		t.Errorf("the scenario did not happen as meant: %+v", st)
	}
}

// TestHotQueriesUseTheirIndexes: the queries that run per request or per
// mail batch read an index in the order they return, without sorting or
// scanning the table, whatever its size.
func TestHotQueriesUseTheirIndexes(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	raw, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		"SELECT id FROM outbox INDEXED BY outbox_queued WHERE status = 'queued' AND next_attempt_at <= '2015' ORDER BY id LIMIT 50",
		"SELECT id FROM registrations ORDER BY created_at DESC, id DESC LIMIT 51",
		"SELECT id FROM registrations ORDER BY family_name COLLATE NOCASE, given_names COLLATE NOCASE, id LIMIT 51",
		"SELECT id FROM registrations WHERE status = 'approved' ORDER BY family_name COLLATE NOCASE, given_names COLLATE NOCASE, id LIMIT 51",
		"SELECT id FROM registrations ORDER BY country, family_name COLLATE NOCASE, id LIMIT 51",
		"SELECT id FROM registrations WHERE status = 'pending' ORDER BY status, created_at, id LIMIT 51",
		"SELECT id FROM registrations WHERE (created_at, id) < ('2015', 9) ORDER BY created_at DESC, id DESC LIMIT 51",
		"SELECT id FROM registrations WHERE category = 'ngo' ORDER BY created_at, id LIMIT 51",
	} {
		rows, err := raw.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		text := fmt.Sprint(plan)
		if strings.Contains(text, "TEMP B-TREE") || (strings.Contains(text, "SCAN") && !strings.Contains(text, "USING")) {
			t.Errorf("%s\n  plan: %s", q, text)
		}
	}
}
