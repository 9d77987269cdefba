package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"delegate/store"
)

// TestPagesByCursor walks every list order page by page through the
// cursor (After) and finds each registration once, in the order of the
// whole list, ties on the name included; the counts come from the tallies
// or stop at the cap.
func TestPagesByCursor(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	setCapacity(t, db, 1000)
	for i := range 23 {
		d := details(fmt.Sprintf("p%d@example.org", i))
		d.FamilyName = []string{"Núñez", "nuñez", "Diop", "Ødegård"}[i%4] // ties, case and accents
		d.Country = []string{"CO", "SN", "NO"}[i%3]
		if _, err := db.CreateRegistration(ctx, store.System, d); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			clk.Advance(time.Minute) // the others arrive at the same instant
		}
	}
	for _, c := range []struct{ sort, q string }{{"newest", ""}, {"oldest", ""}, {"name", ""}, {"country", ""}, {"status", ""},
		{"newest", "nunez"}, {"name", "nunez"}, {"oldest", "diop example"}} {
		sort := c.sort
		all, total, err := db.FindRegistrations(ctx, store.Filter{Sort: sort, Q: c.q})
		if want := map[string]int{"": 23, "nunez": 12, "diop example": 6}[c.q]; err != nil || total != want || len(all) != want {
			t.Fatalf("%s %q: %d of %d, %v", sort, c.q, len(all), total, err)
		}
		var walked []string
		f := store.Filter{Sort: sort, Q: c.q, PerPage: 5}
		for pages := 0; ; pages++ {
			p, err := db.FindPage(ctx, f)
			if err != nil || pages > 10 {
				t.Fatalf("%s page %d: %v", sort, pages, err)
			}
			for _, r := range p.Rows {
				walked = append(walked, r.Reference)
			}
			if p.Next == "" {
				break
			}
			f.After = p.Next
		}
		want := make([]string, len(all))
		for i, r := range all {
			want[i] = r.Reference
		}
		if !slices.Equal(walked, want) {
			t.Errorf("%s: pages give %v, the whole list %v", sort, walked, want)
		}
	}
	if _, err := db.FindPage(ctx, store.Filter{After: "not a cursor"}); err == nil {
		t.Error("a forged cursor was taken")
	}
	p, _ := db.FindPage(ctx, store.Filter{Country: "SN", PerPage: 5})
	if p.Total != 8 || p.Capped || len(p.Rows) != 5 {
		t.Errorf("country SN: %d rows of %d (capped %v)", len(p.Rows), p.Total, p.Capped)
	}
}
