package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"delegate/store"
)

var desk = store.Actor{Kind: "user", Name: "desk@uil.example"}

// TestSyncAppliesEachScanOnce sends a desk's offline batch three times,
// shuffled: the first applies every scan at its own time, the others
// change nothing and answer as the first did.
func TestSyncAppliesEachScanOnce(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, time.Date(2015, 9, 28, 14, 0, 0, 0, time.UTC)) // 09:00 in Mexico City
	ctx := context.Background()
	regs := registerAll(t, db, 5, "desk", "en")
	old := db.CheckinCode(regs[4])
	if _, err := db.ReissueBadge(ctx, store.System, regs[4].Reference); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveRegistration(ctx, store.System, regs[3].Reference); err != nil && !errors.Is(err, store.ErrConflict) {
		t.Fatal(err)
	}
	cancelled := regs[3]
	if _, err := db.CancelRegistration(ctx, store.System, cancelled.Reference, ""); err != nil {
		t.Fatal(err)
	}
	scanned := clk.Now().Add(-40 * time.Minute) // while the desk was offline
	var batch []store.Scan
	for i, code := range []string{db.CheckinCode(regs[0]), db.CheckinCode(regs[1]), db.CheckinCode(regs[0]), old,
		"ICLC-FAKE00-1-AAAAAAAAAAAA", db.CheckinCode(cancelled)} {
		batch = append(batch, store.Scan{ID: fmt.Sprintf("scan-%04d", i), Code: code, At: scanned.Add(time.Duration(i) * time.Minute), Offline: true})
	}
	batch = append(batch, store.Scan{ID: "scan-by-name", Reference: regs[2].Reference, At: scanned.Add(10 * time.Minute), Offline: true})
	want := []struct{ outcome, reason string }{{"ok", ""}, {"ok", ""}, {"already", ""}, {"refused", "revoked_badge"},
		{"refused", "unknown"}, {"refused", "not_live"}, {"ok", ""}}

	first, err := db.ScanAt(ctx, desk, "Hall A", batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if first[i].Outcome != w.outcome || first[i].Reason != w.reason || first[i].Repeated {
			t.Errorf("scan %d: %s %s (repeated %v), want %s %s", i, first[i].Outcome, first[i].Reason, first[i].Repeated, w.outcome, w.reason)
		}
	}
	if got := find(t, db, regs[0]); got.CheckedInAt == nil || !got.CheckedInAt.Equal(scanned) {
		t.Errorf("checked in at %v, want the scan's own time %v", got.CheckedInAt, scanned)
	}
	before, _ := db.Stats(ctx)
	history, _ := db.History(ctx, regs[0].ID)
	for round := range 2 {
		shuffled := append([]store.Scan(nil), batch...)
		rand.New(rand.NewPCG(uint64(round), 7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again, err := db.ScanAt(ctx, desk, "Hall A", shuffled)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range again {
			i := indexOf(batch, res.ID)
			if !res.Repeated || res.Outcome != first[i].Outcome || res.Reason != first[i].Reason || !res.At.Equal(first[i].At) {
				t.Errorf("round %d, %s: %+v, want the first answer %+v", round, res.ID, res, first[i])
			}
		}
	}
	after, _ := db.Stats(ctx)
	if after.CheckedIn != 3 || before.CheckedIn != 3 || after.CheckinsByDay["2015-09-28"] != 3 {
		t.Errorf("checked in: %d before the repeats, %d after, %v by day; want 3", before.CheckedIn, after.CheckedIn, after.CheckinsByDay)
	}
	if again, _ := db.History(ctx, regs[0].ID); len(again) != len(history) {
		t.Errorf("history grew from %d to %d lines on repeats", len(history), len(again))
	}
	refused, err := db.RefusedAfterSync(ctx, 20)
	if err != nil || len(refused) != 3 {
		t.Fatalf("refused after sync: %v, %d", err, len(refused))
	}
	recent, _ := db.RecentScans(ctx, "Hall A", 20)
	if len(recent) != len(batch) || recent[0].Registration == nil {
		t.Errorf("recent scans: %d, want %d", len(recent), len(batch))
	}

	// bad batches are refused whole, in words
	var ve *store.ValidationError
	if _, err := db.ScanAt(ctx, desk, " ", batch[:1]); !errors.As(err, &ve) || ve.Fields["desk"].Key == "" {
		t.Errorf("no desk name: %v", err)
	}
	if _, err := db.ScanAt(ctx, desk, "Hall A", []store.Scan{{ID: "x", Code: "y"}}); !errors.As(err, &ve) {
		t.Errorf("a short id: %v", err)
	}
}

func indexOf(batch []store.Scan, id string) int {
	for i, s := range batch {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// TestTwoDesksScanTheSameBadgeOffline: whichever desk syncs first, the
// earlier scan is the first check-in and the other is "already".
func TestTwoDesksScanTheSameBadgeOffline(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, time.Date(2015, 9, 28, 15, 0, 0, 0, time.UTC))
	ctx := context.Background()
	r := registerAll(t, db, 1, "twice", "fr")[0]
	code := db.CheckinCode(r)
	early, late := clk.Now().Add(-20*time.Minute), clk.Now().Add(-10*time.Minute)
	b, err := db.ScanAt(ctx, desk, "Desk B", []store.Scan{{ID: "desk-b-0001", Code: code, At: late, Offline: true}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.ScanAt(ctx, desk, "Desk A", []store.Scan{{ID: "desk-a-0001", Code: code, At: early, Offline: true}})
	if err != nil {
		t.Fatal(err)
	}
	if b[0].Outcome != store.ScanOK || a[0].Outcome != store.ScanAlready {
		t.Errorf("desk B %s, desk A %s; want ok then already", b[0].Outcome, a[0].Outcome)
	}
	if got := find(t, db, r); !got.CheckedInAt.Equal(early) {
		t.Errorf("first arrival %v, want the earlier scan %v", got.CheckedInAt, early)
	}
	st, _ := db.Stats(ctx)
	if st.CheckedIn != 1 || st.CheckinsByDay["2015-09-28"] != 1 {
		t.Errorf("checked in %d, by day %v", st.CheckedIn, st.CheckinsByDay)
	}
}

// TestRosterPagesAndChanges reads the roster in pages, then only what
// changed after a badge was reissued.
func TestRosterPagesAndChanges(t *testing.T) {
	t.Parallel()
	db, _ := mustOpenAt(t, june15)
	ctx := context.Background()
	regs := registerAll(t, db, 5, "roster", "es")
	var all []store.RosterEntry
	var cursor int64
	for {
		p, err := db.Roster(ctx, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Entries...)
		cursor = p.Next
		if !p.More {
			break
		}
	}
	if len(all) != 5 {
		t.Fatalf("roster: %d entries, want 5", len(all))
	}
	if all[0].CodeHash != store.CodeHash(db.CheckinCode(regs[0])) {
		t.Errorf("code hash %s does not match the badge's code", all[0].CodeHash)
	}
	if p, _ := db.Roster(ctx, cursor, 100); len(p.Entries) != 0 {
		t.Errorf("%d changes with nothing changed", len(p.Entries))
	}
	if _, err := db.ReissueBadge(ctx, store.System, regs[2].Reference); err != nil {
		t.Fatal(err)
	}
	p, _ := db.Roster(ctx, cursor, 100)
	if len(p.Entries) != 1 || p.Entries[0].Reference != regs[2].Reference || p.Entries[0].BadgeVersion != regs[2].BadgeVersion+1 ||
		p.Entries[0].CodeHash == all[2].CodeHash {
		t.Errorf("after a reissue: %+v", p.Entries)
	}
}
