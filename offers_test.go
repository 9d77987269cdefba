package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"delegate/clock"
	"delegate/store"
)

// TestOfferLapsedWhileStoppedGoesOnAtStart: an offer of a place whose
// deadline passed while the server was stopped goes to the next on the
// waiting list as soon as the server starts, without waiting a minute.
func TestOfferLapsedWhileStoppedGoesOnAtStart(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "offers.db")
	secret := strings.Repeat("ef", 32)
	clk := clock.At(time.Date(2015, 6, 15, 12, 0, 0, 0, time.UTC))
	db, err := openCampaignStore(dbPath, secret, clk)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := db.Settings()
	s.Capacity, s.OfferHours = 1, 24
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	var refs []string
	for i := range 3 {
		r, err := db.CreateRegistration(ctx, store.System, store.Details{GivenNames: "Nadia", FamilyName: fmt.Sprint("Haddad ", i),
			Email: fmt.Sprintf("n%d@example.jo", i), Organisation: "Greater Amman Municipality", JobTitle: "Adviser",
			Country: "JO", Category: "speaker", Language: "en", ConsentPrivacy: true})
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r.Reference)
		clk.Advance(time.Minute)
	}
	if _, err := db.CancelRegistration(ctx, store.System, refs[0], ""); err != nil {
		t.Fatal(err)
	}
	if r, _ := db.FindRegistration(ctx, refs[1]); r.OfferUntil == nil {
		t.Fatal("no offer made before the stop")
	}
	db.Close() // stopped; the offer's day passes

	_, stop := startServer(t, map[string]string{"DELEGATE_DB": dbPath, "DELEGATE_SECRET": secret})
	defer stop()
	db, err = openCampaignStore(dbPath, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		lapsed, _ := db.FindRegistration(ctx, refs[1])
		next, _ := db.FindRegistration(ctx, refs[2])
		if lapsed.OfferPassed && next.OfferUntil != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after start: the lapsed offer passed %v, the next offered %v", lapsed.OfferPassed, next.OfferUntil)
		}
		time.Sleep(20 * time.Millisecond)
	}
	msgs, err := db.FindOutbox(ctx, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, m := range msgs {
		kinds[m.Kind]++
	}
	if kinds[store.MailOffer] != 2 || kinds[store.MailOfferLapsed] != 1 {
		t.Errorf("messages by kind: %v; want two offers and one lapse", kinds)
	}
}
