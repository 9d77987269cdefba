package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"delegate/store"
)

func TestCheckIn(t *testing.T) {
	t.Parallel()
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
	if _, err := db.CheckIn(ctx, desk, store.CheckinRequest{Code: "ICLC-AAAAAA-1-AAAAAAAAAAAA"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("forged code: %v", err)
	}
	if _, err := db.CheckIn(ctx, desk, store.CheckinRequest{Code: db.CheckinCode(pending)}); conflict(err) != "not_approved" {
		t.Errorf("pending: %v", err)
	}
	if _, err := db.CheckIn(ctx, desk, store.CheckinRequest{Code: db.CheckinCode(unpaid)}); conflict(err) != "payment_due" {
		t.Errorf("unpaid: %v", err)
	}
	first, err := db.CheckIn(ctx, desk, store.CheckinRequest{Code: db.CheckinCode(ok)})
	if err != nil || first.Already || first.Registration.CheckedInAt == nil {
		t.Fatalf("first check-in: %+v %v", first, err)
	}
	clk.Set(time.Date(2015, 9, 29, 3, 0, 0, 0, time.UTC))
	again, err := db.CheckIn(ctx, desk, store.CheckinRequest{Code: db.CheckinCode(ok)})
	if err != nil || !again.Already {
		t.Errorf("same evening in Mexico City: already %v, %v", again.Already, err)
	}
	clk.Set(time.Date(2015, 9, 29, 14, 0, 0, 0, time.UTC))
	next, _ := db.CheckIn(ctx, desk, store.CheckinRequest{Code: db.CheckinCode(ok)})
	if next.Already || !next.Registration.CheckedInAt.Equal(*first.Registration.CheckedInAt) {
		t.Errorf("next day: already %v, first arrival kept: %v", next.Already, next.Registration.CheckedInAt)
	}
	if forced, err := db.CheckIn(ctx, desk, store.CheckinRequest{Code: db.CheckinCode(unpaid), Force: true}); err != nil || forced.Already {
		t.Errorf("forced: %v", err)
	}
	re, _ := db.ReissueBadge(ctx, desk, ok.Reference)
	if _, err := db.CheckIn(ctx, desk, store.CheckinRequest{Code: db.CheckinCode(ok), Force: true}); conflict(err) != "revoked_badge" {
		t.Errorf("old badge, even forced: %v", err)
	}
	if _, err := db.CheckIn(ctx, desk, store.CheckinRequest{Code: db.CheckinCode(re)}); err != nil {
		t.Errorf("new badge: %v", err)
	}
	st, _ := db.Stats(ctx)
	if st.CheckedIn != 2 || st.CheckinsByDay["2015-09-28"] != 1 || st.CheckinsByDay["2015-09-29"] != 2 {
		t.Errorf("stats: %d checked in, by day %v", st.CheckedIn, st.CheckinsByDay)
	}
}

// TestCheckInAtTheDesk is the desk's one call: a registration chosen by
// reference, a fee taken at the desk in the same transaction, and the
// registration returned with a refusal.
func TestCheckInAtTheDesk(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	desk := store.Actor{Kind: "user", Name: "finance@uil.example"}
	d := details("due@example.org")
	d.Category = "city_official"
	due, _ := db.CreateRegistration(ctx, store.System, d)
	if _, err := db.ApproveRegistration(ctx, store.System, due.Reference); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2015, 9, 28, 15, 0, 0, 0, time.UTC))

	res, err := db.CheckIn(ctx, desk, store.CheckinRequest{Reference: strings.ToLower(due.Reference)})
	var ce *store.ConflictError
	if !errors.As(err, &ce) || ce.Reason != "payment_due" {
		t.Fatalf("unpaid, by reference: %v, want payment_due", err)
	}
	if res.Registration.Reference != due.Reference || res.Registration.FamilyName != "Núñez" {
		t.Errorf("a refusal carries %q, want the registration %s", res.Registration.Reference, due.Reference)
	}
	res, err = db.CheckIn(ctx, desk, store.CheckinRequest{Reference: due.Reference, Fee: store.PaymentPaid})
	if err != nil || res.Registration.PaymentStatus != store.PaymentPaid || res.Registration.CheckedInAt == nil {
		t.Fatalf("paid at the desk: %v, %s", err, res.Registration.PaymentStatus)
	}
	pays, _ := db.Payments(ctx, due.ID)
	if len(pays) != 1 || pays[0].Method != "desk" || pays[0].Amount != due.Fee.Amount {
		t.Errorf("payments after the desk: %+v", pays)
	}
	kinds := []string{}
	for _, m := range outbox(t, db, due) {
		kinds = append(kinds, m.Kind)
	}
	if !slices.Contains(kinds, store.MailPaid) {
		t.Errorf("messages %v lack the payment's receipt", kinds)
	}
	// not approved: no fee is taken, nothing is written
	p, _ := db.CreateRegistration(ctx, store.System, details("pending@example.org"))
	if _, err := db.CheckIn(ctx, desk, store.CheckinRequest{Reference: p.Reference, Fee: store.PaymentPaid}); !errors.As(err, &ce) || ce.Reason != "not_approved" {
		t.Errorf("pending at the desk: %v", err)
	}
	if pays, _ := db.Payments(ctx, p.ID); len(pays) != 0 {
		t.Errorf("a fee was taken for a registration not approved: %+v", pays)
	}
}
