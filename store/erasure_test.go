package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"delegate/photo"
	"delegate/photo/phototest"
	"delegate/store"
)

// everyField is a registration with a value in every field a delegate
// types, each unlike anything else in the database.
func everyField() store.Details {
	return store.Details{Title: "Ms", GivenNames: "Zainabou", FamilyName: "Quarshie-Ndiaye", BadgeName: "Zaina Quarshie",
		Email: "zainabou.qn@example.sn", Phone: "+221 77 555 0199", Organisation: "Ville de Rufisque",
		JobTitle: "Conseillère municipale chargée du savoir", City: "Rufisque", Country: "SN", GNLC: "interested",
		Category: "city_official", Language: "fr", InvitationLetter: true, Nationality: "SN",
		PassportFamilyName: "QUARSHIENDIAYE", PassportGivenNames: "ZAINABOUX", PassportNumber: "SN7788991",
		PassportExpiry: "2021-07-15", DateOfBirth: "1971-03-09", ArrivalDate: "2015-09-26", DepartureDate: "2015-10-02",
		ArrivalFlight: "AF 7188", DepartureFlight: "AM 9021", AirportTransfer: true, Hotel: "sample-hotel-a",
		Dietary: []string{"vegetarian"}, DietaryNotes: "no sesame and no peanuts at all", Accessibility: "a ramp to the stage, please",
		StudyVisit: "sample-visit-community", ConsentPrivacy: true, ConsentPhoto: true}
}

// typed are the values everyField typed, as they could be stored: as
// typed, folded for the search, and as the search index's trigrams.
var typed = []string{"Zainabou", "zainabou", "Quarshie", "quarshie", "Zaina Quarshie", "zainabou.qn@example.sn", "+221 77 555 0199",
	"Ville de Rufisque", "ville de rufisque", "Conseillère municipale", "Rufisque", "rufisque", "QUARSHIENDIAYE", "ZAINABOUX",
	"SN7788991", "2021-07-15", "1971-03-09", "AF 7188", "AM 9021", "no sesame and no peanuts", "a ramp to the stage",
	"uar ars rsh", "Met her at the embassy on the Tuesday", "127.0.0.9"}

// holds reports which of the values the file at path holds, byte for byte.
func holds(t *testing.T, path string, values []string, extra ...[]byte) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, v := range values {
		if bytes.Contains(data, []byte(v)) {
			found = append(found, v)
		}
	}
	for _, b := range extra {
		if bytes.Contains(data, b) {
			found = append(found, "the photo")
		}
	}
	return found
}

// TestErasureLeavesNothing registers a delegate with every field, a
// letter, a payment, an invoice, a photo, a note, messages and a
// check-in; erases them; and searches the database file, its WAL and a
// fresh backup byte by byte for each value typed: none is found, while
// the counts, the invoice's number and its billed party stay.
func TestErasureLeavesNothing(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	withSignatory(t, db)
	other, err := db.CreateRegistration(ctx, store.System, details("other@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	delegate := store.Actor{Kind: "delegate", Address: "127.0.0.9"}
	r, err := db.CreateRegistration(ctx, delegate, everyField())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveRegistration(ctx, store.System, r.Reference); err != nil {
		t.Fatal(err)
	}
	r = find(t, db, r)
	if _, _, err := db.RecordPayment(ctx, store.System, r.Reference, store.DeskPayment(r, store.PaymentPaid)); err != nil {
		t.Fatal(err)
	}
	inv, err := db.IssueInvoice(ctx, store.System, r.Reference, store.Billing{Name: "Ministère des Finances du Sénégal", Address: "Dakar"})
	if err != nil {
		t.Fatal(err)
	}
	clean, err := photo.Clean(phototest.WithLocation())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPhoto(ctx, store.System, r.Reference, clean); err != nil {
		t.Fatal(err)
	}
	if err := db.AddNote(ctx, store.System, r.Reference, "Met her at the embassy on the Tuesday"); err != nil {
		t.Fatal(err)
	}
	// a change, so the history holds old and new values
	d := everyField()
	d.Phone = "+221 77 555 0100"
	if _, err := db.UpdateRegistration(ctx, delegate, r.Reference, d); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2015, 9, 28, 15, 0, 0, 0, time.UTC))
	r = find(t, db, r)
	if _, err := db.CheckIn(ctx, store.System, store.CheckinRequest{Code: db.CheckinCode(r)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Certificate(ctx, find(t, db, r)); err != nil {
		t.Fatal(err)
	}
	letter, err := db.CurrentLetter(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := db.Certificate(ctx, find(t, db, r))
	if found := holds(t, db.Path(), []string{"Ville de Rufisque", "Met her at the embassy"}); len(found) == 0 {
		// the database holds them before (in the file or its WAL)
		if found = holds(t, db.Path()+"-wal", []string{"Ville de Rufisque"}); len(found) == 0 {
			t.Fatal("the test's values are not in the database to begin with")
		}
	}
	before, _ := db.Stats(ctx)

	done, err := db.RequestErasure(ctx, delegate, r.Reference)
	if err != nil || done {
		t.Fatalf("request: %v, done at once %v (an approved, paid registration waits for an organiser)", err, done)
	}
	if list, _ := db.ErasureRequests(ctx); len(list) != 1 || list[0].Reference != r.Reference {
		t.Fatalf("requests: %+v", list)
	}
	if err := db.Erase(ctx, store.Actor{Kind: "user", Name: "dpo@uil.example"}, r.Reference); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "after.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{db.Path(), db.Path() + "-wal", backup} {
		if found := holds(t, f, typed, clean[len(clean)/2:len(clean)/2+48]); len(found) > 0 {
			t.Errorf("%s still holds %q", filepath.Base(f), found)
		}
	}
	after, _ := db.Stats(ctx)
	if after.Total != before.Total || after.ByCategory["city_official"] != before.ByCategory["city_official"]-1 ||
		after.ByStatus[store.StatusCancelled] != before.ByStatus[store.StatusCancelled]+1 {
		t.Errorf("counts: %d then %d registrations; %v then %v", before.Total, after.Total, before.ByStatus, after.ByStatus)
	}
	invs, _ := db.Invoices(ctx, r.ID)
	if len(invs) != 1 || invs[0].Number != inv.Number || invs[0].Name != "Ministère des Finances du Sénégal" {
		t.Errorf("the invoice after erasure: %+v", invs)
	}
	gone := find(t, db, r)
	if gone.Erased == nil || gone.FamilyName != "" || gone.Email != "" || gone.HasPassport || gone.Country != "SN" || gone.Category != "city_official" {
		t.Errorf("the erased registration: %+v", gone)
	}
	if _, err := db.FindRegistrationByToken(ctx, r.ManageToken); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the private link still opens: %v", err)
	}
	for _, code := range []string{db.LetterCode(letter.Serial), db.LetterCode(cert.Serial)} {
		if c, err := db.VerifyLetterCode(ctx, code); err != nil || c.Standing() != "withdrawn" || c.Name != "" {
			t.Errorf("%s verifies as %q (%v), name %q", code, c.Standing(), err, c.Name)
		}
	}
	if h, _ := db.History(ctx, r.ID); len(h) == 0 || !strings.Contains(h[len(h)-1].Action, "erased") {
		t.Errorf("the history lost the fact of the erasure: %+v", h)
	}
	if ok := find(t, db, other); ok.FamilyName != "Núñez" {
		t.Errorf("another delegate was touched: %+v", ok)
	}
	if err := db.Erase(ctx, store.System, r.Reference); !errors.Is(err, store.ErrConflict) {
		t.Errorf("erasing twice: %v", err)
	}
}

// TestPendingErasedAtOnce: a registration that never got past pending is
// erased as soon as the delegate asks.
func TestPendingErasedAtOnce(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	r, err := db.CreateRegistration(ctx, store.System, details("pending@example.org"))
	if err != nil || r.Status != store.StatusPending {
		t.Fatalf("%v %s", err, r.Status)
	}
	done, err := db.RequestErasure(ctx, store.Actor{Kind: "delegate"}, r.Reference)
	if err != nil || !done {
		t.Fatalf("request: %v, done %v", err, done)
	}
	if got := find(t, db, r); got.Erased == nil || got.Status != store.StatusCancelled || got.GivenNames != "" {
		t.Errorf("after the request: %+v", got)
	}
	if list, _ := db.ErasureRequests(ctx); len(list) != 0 {
		t.Errorf("an erased registration still waits: %v", list)
	}
}
