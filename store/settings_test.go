package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"delegate/clock"
	"delegate/store"
)

func TestSettingsChanges(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	setCapacity(t, db, 1)
	a, _ := db.CreateRegistration(ctx, store.System, details("a@example.org"))
	b, _ := db.CreateRegistration(ctx, store.System, details("b@example.org"))
	if b.Status != store.StatusWaitlisted {
		t.Fatalf("got %s, want waitlisted", b.Status)
	}
	setCapacity(t, db, 2) // the seeded settings offer a free place for 48 hours
	if got, _ := db.FindRegistration(ctx, b.Reference); got.Status != store.StatusWaitlisted || got.OfferUntil == nil {
		t.Errorf("after raising the capacity: got %s, offer %v; want waitlisted with an offer", got.Status, got.OfferUntil)
	}
	if got, _ := db.AcceptOffer(ctx, store.Actor{Kind: "delegate"}, b.Reference); got.Status != store.StatusPending {
		t.Errorf("accepting the place: got %s, want pending", got.Status)
	}

	s := db.Settings()
	s.StartDate, s.EndDate = "2015-10-05", "2015-10-07"
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	for _, r := range []store.Registration{a, b} {
		msgs := outbox(t, db, r)
		// composed when it is sent, from the settings then
		e, err := db.Deliverable(ctx, msgs[0])
		if err != nil || msgs[0].Kind != store.MailDatesChanged || msgs[0].Text != "" || !strings.Contains(e.Text, "del 5 al 7 de octubre de 2015") ||
			!strings.Contains(msgs[0].Subject, "del 5 al 7 de octubre de 2015") {
			t.Errorf("%s: latest message %s %q: %q (%v)", r.Reference, msgs[0].Kind, msgs[0].Subject, e.Text, err)
		}
	}
	if got := db.Settings().PassportValidUntil(); got.Format(store.DateLayout) != "2016-04-07" {
		t.Errorf("passport must be valid until %s, want 2016-04-07", got.Format(store.DateLayout))
	}

	s = db.Settings()
	s.Categories = s.Categories[1:] // drops "mayor"… and member_state is in use
	s.Categories = append(s.Categories[:1], s.Categories[2:]...)
	_, err := db.UpdateSettings(ctx, store.System, s)
	var ve *store.ValidationError
	if !errors.As(err, &ve) || ve.Fields["categories"].Key != "error.code_in_use" {
		t.Errorf("removing a category in use: got %v", err)
	}
	s = db.Settings()
	s.EndDate, s.Currency, s.Categories[0].Colour = "2015-01-01", "dollars", "red"
	err = (&s).Validate()
	if !errors.As(err, &ve) || len(ve.Fields) != 3 {
		t.Errorf("bad settings: got %v, want 3 field errors", err)
	}
}

func TestReopenKeepsDataAndRunsNoMigrationTwice(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "re.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path, options(t, clock.At(june15)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.CreateRegistration(ctx, store.System, details("keep@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = store.Open(ctx, path, options(t, clock.At(june15)))
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	got, err := db.FindRegistrationByToken(ctx, r.ManageToken)
	if err != nil || got.Reference != r.Reference {
		t.Errorf("after reopening: %v %s", err, got.Reference)
	}
	if db.Settings().Capacity != 600 || len(db.Settings().Categories) != 11 {
		t.Errorf("seeded settings: capacity %d, %d categories", db.Settings().Capacity, len(db.Settings().Categories))
	}
}

func TestSearchIgnoresCaseAndAccents(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	for i, name := range []string{"José", "Jöse", "Maria"} {
		d := details(fmt.Sprintf("s%d@example.org", i))
		d.GivenNames = name
		if _, err := db.CreateRegistration(ctx, store.System, d); err != nil {
			t.Fatal(err)
		}
	}
	list, total, err := db.FindRegistrations(ctx, store.Filter{Q: "JOSE"})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(list) != 2 {
		t.Errorf("search JOSE found %d, want José and Jöse", total)
	}
	_, total, _ = db.FindRegistrations(ctx, store.Filter{Q: "maria núñez"})
	if total != 1 {
		t.Errorf("search 'maria núñez' found %d, want 1", total)
	}
}

// TestOlderBinaryRefusesNewerSchema: after an upgrade, the old binary
// does not run on the migrated database (a rollback is the old binary on
// the backup taken before).
func TestOlderBinaryRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "upgraded.db")
	db, err := store.Open(context.Background(), path, options(t, clock.At(june15)))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", store.DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("INSERT INTO migrations (name, applied_at) VALUES ('migrations/9999_from_the_future.sql', '2017-01-01')"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db.Close()
	if _, err := store.Open(context.Background(), path, options(t, clock.At(june15))); !errors.Is(err, store.ErrNewerSchema) || !strings.Contains(err.Error(), "9999_from_the_future") {
		t.Errorf("opening a newer schema: %v", err)
	}
}
