package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"delegate/store"
)

func TestCheckIn(t *testing.T) {
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	desk := store.Actor{Kind: "user", Name: "desk@uil.example"}
	conflict := func(err error) string {
		var ce *store.ConflictError
		if errors.As(err, &ce) {
			return ce.Reason
		}
		return ""
	}
	pending, _ := db.CreateRegistration(ctx, store.System, details("pending@example.org"))
	speaker := details("speaker@example.org")
	speaker.Category = "speaker"
	ok, _ := db.CreateRegistration(ctx, store.System, speaker)
	fee := details("fee@example.org")
	fee.Category = "city_official"
	unpaid, _ := db.CreateRegistration(ctx, store.System, fee)
	db.ApproveRegistration(ctx, store.System, unpaid.Reference)

	// the morning of 28 September in Mexico City is still the 28th in UTC;
	// 03:00 UTC on the 29th is the evening of the 28th there
	clk.Set(time.Date(2015, 9, 28, 15, 0, 0, 0, time.UTC))
	if _, err := db.CheckIn(ctx, desk, "ICLC-AAAAAA-1-AAAAAAAAAAAA", false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("forged code: %v", err)
	}
	if _, err := db.CheckIn(ctx, desk, db.CheckinCode(pending), false); conflict(err) != "not_approved" {
		t.Errorf("pending: %v", err)
	}
	if _, err := db.CheckIn(ctx, desk, db.CheckinCode(unpaid), false); conflict(err) != "payment_due" {
		t.Errorf("unpaid: %v", err)
	}
	first, err := db.CheckIn(ctx, desk, db.CheckinCode(ok), false)
	if err != nil || first.Already || first.Registration.CheckedInAt == nil {
		t.Fatalf("first check-in: %+v %v", first, err)
	}
	clk.Set(time.Date(2015, 9, 29, 3, 0, 0, 0, time.UTC))
	again, err := db.CheckIn(ctx, desk, db.CheckinCode(ok), false)
	if err != nil || !again.Already {
		t.Errorf("same evening in Mexico City: already %v, %v", again.Already, err)
	}
	clk.Set(time.Date(2015, 9, 29, 14, 0, 0, 0, time.UTC))
	next, _ := db.CheckIn(ctx, desk, db.CheckinCode(ok), false)
	if next.Already || !next.Registration.CheckedInAt.Equal(*first.Registration.CheckedInAt) {
		t.Errorf("next day: already %v, first arrival kept: %v", next.Already, next.Registration.CheckedInAt)
	}
	if forced, err := db.CheckIn(ctx, desk, db.CheckinCode(unpaid), true); err != nil || forced.Already {
		t.Errorf("forced: %v", err)
	}
	re, _ := db.ReissueBadge(ctx, desk, ok.Reference)
	if _, err := db.CheckIn(ctx, desk, db.CheckinCode(ok), true); conflict(err) != "revoked_badge" {
		t.Errorf("old badge, even forced: %v", err)
	}
	if _, err := db.CheckIn(ctx, desk, db.CheckinCode(re), false); err != nil {
		t.Errorf("new badge: %v", err)
	}
	st, _ := db.Stats(ctx)
	if st.CheckedIn != 2 || st.CheckinsByDay["2015-09-28"] != 1 || st.CheckinsByDay["2015-09-29"] != 2 {
		t.Errorf("stats: %d checked in, by day %v", st.CheckedIn, st.CheckinsByDay)
	}
}
