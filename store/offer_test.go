package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"delegate/store"
)

// offering sets the capacity and the hours a free place is offered for.
func offering(t testing.TB, db *store.DB, capacity, hours int) {
	t.Helper()
	s := db.Settings()
	s.Capacity, s.OfferHours = capacity, hours
	if _, err := db.UpdateSettings(context.Background(), store.System, s); err != nil {
		t.Fatalf("offer hours: %v", err)
	}
}

// registerAll registers n speakers (no approval needed) who read lang,
// their addresses numbered after prefix.
func registerAll(t testing.TB, db *store.DB, n int, prefix string, lang string) []store.Registration {
	t.Helper()
	var out []store.Registration
	for i := range n {
		d := details(fmt.Sprintf("%s%d@example.org", prefix, i))
		d.Category, d.Language = "speaker", lang
		r, err := db.CreateRegistration(context.Background(), store.System, d)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func find(t testing.TB, db *store.DB, r store.Registration) store.Registration {
	t.Helper()
	got, err := db.FindRegistration(context.Background(), r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestWaitlistOfferAcceptedInTime(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	offering(t, db, 2, 48)
	in := registerAll(t, db, 2, "in", "en")
	clk.Advance(time.Minute)
	wait := registerAll(t, db, 2, "wait", "es")
	if wait[0].Status != store.StatusWaitlisted {
		t.Fatalf("third registration: %s, want waitlisted", wait[0].Status)
	}
	if _, err := db.CancelRegistration(ctx, store.Actor{Kind: "delegate"}, in[0].Reference, ""); err != nil {
		t.Fatal(err)
	}
	first := find(t, db, wait[0])
	want := june15.Add(time.Minute).Add(48 * time.Hour)
	if first.Status != store.StatusWaitlisted || first.OfferUntil == nil || !first.OfferUntil.Equal(want) {
		t.Fatalf("oldest waitlisted after a cancellation: %s, offer until %v; want waitlisted with an offer until %v",
			first.Status, first.OfferUntil, want)
	}
	if second := find(t, db, wait[1]); second.OfferUntil != nil {
		t.Errorf("the second on the list was offered the same place")
	}
	msgs := outbox(t, db, first)
	// the deadline in venue time (Mexico City, UTC-5 in June 2015) and Spanish
	if len(msgs) != 2 || msgs[0].Kind != store.MailOffer || !strings.Contains(msgs[0].Text, "17 de junio de 2015, a las 07:01") ||
		!strings.Contains(msgs[0].Text, "Aceptar la plaza") {
		t.Errorf("offer message: %d messages, newest %q:\n%s", len(msgs), msgs[0].Kind, msgs[0].Text)
	}
	// the offered place is held: a newcomer waits, the dashboard counts it
	late := registerAll(t, db, 1, "late", "en")
	if late[0].Status != store.StatusWaitlisted {
		t.Errorf("a registration while a place is on offer: %s, want waitlisted", late[0].Status)
	}
	st, _ := db.Stats(ctx)
	if st.OffersOpen != 1 || st.PlacesTaken != 2 {
		t.Errorf("stats: %d offers open, %d places taken; want 1 and 2", st.OffersOpen, st.PlacesTaken)
	}
	offers, err := db.OpenOffers(ctx)
	if err != nil || len(offers) != 1 || offers[0].Reference != first.Reference {
		t.Errorf("open offers: %v %+v", err, offers)
	}

	clk.Advance(47 * time.Hour)
	if _, err := db.AcceptOffer(ctx, store.Actor{Kind: "delegate"}, wait[1].Reference); !errors.Is(err, store.ErrConflict) {
		t.Errorf("accepting without an offer: %v, want a conflict", err)
	}
	got, err := db.AcceptOffer(ctx, store.Actor{Kind: "delegate"}, first.Reference)
	if err != nil || got.Status != store.StatusApproved || got.OfferUntil != nil {
		t.Fatalf("accept in time: %v, %s", err, got.Status)
	}
	if again := find(t, db, first); again.Status != store.StatusApproved || again.OfferUntil != nil {
		t.Errorf("after accepting: %s, offer %v", again.Status, again.OfferUntil)
	}
	if msgs := outbox(t, db, first); msgs[0].Kind != store.MailPromoted {
		t.Errorf("after accepting, newest message %q, want %q", msgs[0].Kind, store.MailPromoted)
	}
	if _, err := db.AcceptOffer(ctx, store.Actor{Kind: "delegate"}, first.Reference); !errors.Is(err, store.ErrConflict) {
		t.Errorf("accepting twice: %v, want a conflict", err)
	}
	if st, _ := db.Stats(ctx); st.OffersOpen != 0 || st.PlacesTaken != 2 {
		t.Errorf("stats after accepting: %d offers, %d taken", st.OffersOpen, st.PlacesTaken)
	}
	if n, err := db.ExpireOffers(ctx); err != nil || n != 0 {
		t.Errorf("expire with none lapsed: %d, %v", n, err)
	}
}

func TestWaitlistOfferLapsesAndPassesOn(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	offering(t, db, 1, 24)
	in := registerAll(t, db, 1, "in", "en")
	wait := registerAll(t, db, 2, "wait", "fr")
	if _, err := db.CancelRegistration(ctx, store.System, in[0].Reference, ""); err != nil {
		t.Fatal(err)
	}
	clk.Advance(23 * time.Hour)
	if n, _ := db.ExpireOffers(ctx); n != 0 {
		t.Fatalf("%d offers lapsed an hour before the deadline", n)
	}
	clk.Advance(time.Hour)
	// past the deadline the delegate cannot accept, even before the worker ran
	if _, err := db.AcceptOffer(ctx, store.Actor{Kind: "delegate"}, wait[0].Reference); !errors.Is(err, store.ErrConflict) ||
		!strings.Contains(err.Error(), "offer_lapsed") {
		t.Errorf("accepting at the deadline: %v, want offer_lapsed", err)
	}
	n, err := db.ExpireOffers(ctx)
	if err != nil || n != 1 {
		t.Fatalf("expire: %d, %v", n, err)
	}
	first, second := find(t, db, wait[0]), find(t, db, wait[1])
	if first.Status != store.StatusWaitlisted || first.OfferUntil != nil || !first.OfferPassed {
		t.Errorf("lapsed: %s, offer %v, passed %v", first.Status, first.OfferUntil, first.OfferPassed)
	}
	if msgs := outbox(t, db, first); msgs[0].Kind != store.MailOfferLapsed || !strings.Contains(msgs[0].Text, "liste d'attente") {
		t.Errorf("lapsed message: %q\n%s", msgs[0].Kind, msgs[0].Text)
	}
	if second.OfferUntil == nil || !second.OfferUntil.Equal(clk.Now().Add(24*time.Hour)) {
		t.Errorf("next on the list: offer until %v, want %v", second.OfferUntil, clk.Now().Add(24*time.Hour))
	}
	// an organiser puts the passed one back: no place is free, so it waits
	// first in line again
	back, err := db.ReturnToWaitingList(ctx, store.System, first.Reference)
	if err != nil || back.OfferPassed || back.OfferUntil != nil {
		t.Fatalf("put back: %v, passed %v, offer %v", err, back.OfferPassed, back.OfferUntil)
	}
	clk.Advance(25 * time.Hour)
	if n, err := db.ExpireOffers(ctx); err != nil || n != 1 {
		t.Fatalf("second expiry: %d, %v", n, err)
	}
	if again := find(t, db, first); again.OfferUntil == nil {
		t.Errorf("put back in its place, it was not offered the place the second one let lapse")
	}
	if _, err := db.ReturnToWaitingList(ctx, store.System, first.Reference); !errors.Is(err, store.ErrConflict) {
		t.Errorf("putting back one with an open offer: %v, want a conflict", err)
	}
	// a cancelled offer goes on at once
	if _, err := db.CancelRegistration(ctx, store.Actor{Kind: "delegate"}, first.Reference, ""); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.Stats(ctx); st.OffersOpen != 0 || st.PlacesTaken != 0 {
		t.Errorf("after the last waiting delegate cancelled: %d offers, %d taken", st.OffersOpen, st.PlacesTaken)
	}
}

// TestOffersNeverOversell frees places, accepts offers and lets others
// lapse from many goroutines at once: the places held, offers included,
// never pass the capacity, and every place that came free went on.
func TestOffersNeverOversell(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	const capacity = 10
	offering(t, db, capacity, 1)
	in := registerAll(t, db, capacity, "in", "en")
	registerAll(t, db, 30, "wait", "en")

	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for i := range capacity {
		wg.Add(2)
		go func() { // a delegate cancels
			defer wg.Done()
			if _, err := db.CancelRegistration(ctx, store.System, in[i].Reference, ""); err != nil {
				fail(err)
			}
		}()
		go func() { // whoever holds an offer accepts, the worker expires
			defer wg.Done()
			for range 5 {
				offers, err := db.OpenOffers(ctx)
				if err != nil {
					fail(err)
					return
				}
				for j, o := range offers {
					if j%2 == 0 {
						if _, err := db.AcceptOffer(ctx, store.Actor{Kind: "delegate"}, o.Reference); err != nil && !errors.Is(err, store.ErrConflict) {
							fail(err)
						}
					}
				}
				if _, err := db.ExpireOffers(ctx); err != nil {
					fail(err)
				}
				st, err := db.Stats(ctx)
				if err == nil && st.PlacesTaken > capacity {
					fail(fmt.Errorf("%d places held (with %d offers), capacity %d", st.PlacesTaken, st.OffersOpen, capacity))
				}
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if st, err := db.Stats(ctx); err != nil || st.PlacesTaken != capacity {
		t.Errorf("after the cancellations: %v, %d places held (%d on offer), want all %d", err, st.PlacesTaken, st.OffersOpen, capacity)
	}
	// let every open offer lapse in turn until the list runs dry
	for range 40 {
		clk.Advance(2 * time.Hour)
		if _, err := db.ExpireOffers(ctx); err != nil {
			t.Fatal(err)
		}
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.PlacesTaken > capacity {
		t.Errorf("%d places held, capacity %d", st.PlacesTaken, capacity)
	}
	if held := st.ByStatus[store.StatusApproved] + st.ByStatus[store.StatusPending] + st.OffersOpen; held != st.PlacesTaken {
		t.Errorf("places taken %d, but %d held", st.PlacesTaken, held)
	}
}
