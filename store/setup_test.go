package store_test

import (
	"bytes"
	"context"
	"delegate/clock"
	"delegate/mailer"
	"delegate/store"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"golang.org/x/crypto/bcrypt"
)

var testSecret = bytes.Repeat([]byte{7}, 32)

// june15 is before the early-bird deadline and while registration is open.
var june15 = time.Date(2015, 6, 15, 12, 0, 0, 0, time.UTC)

// options are what a test store opens with: the real mail composer, the
// test key and the clock clk.
func options(t testing.TB, clk *clock.Manual) store.Options {
	t.Helper()
	composer, err := mailer.NewComposer("https://iclc.example.org")
	if err != nil {
		t.Fatal(err)
	}
	return store.Options{Secret: testSecret, Composer: composer, Now: clk.Now, PasswordCost: bcrypt.MinCost,
		Printable: printable}
}

// printable stands in for pdf.Printable, which needs the fonts installed
// (the handlers' TestEveryScriptOnTheBadge runs the real one): every
// script but Tamil.
func printable(name string) bool {
	return !strings.ContainsFunc(name, func(r rune) bool { return unicode.Is(unicode.Tamil, r) })
}

// mustOpen opens a fresh database in a temporary folder on a clock set to
// june15.
func mustOpen(t testing.TB) *store.DB {
	t.Helper()
	db, _ := mustOpenAt(t, june15)
	return db
}

// mustOpenAt opens a fresh database on a clock set to at, which the test
// may move.
func mustOpenAt(t testing.TB, at time.Time) (*store.DB, *clock.Manual) {
	t.Helper()
	clk := clock.At(at)
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), options(t, clk))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, clk
}

func TestOpenNeedsAComposer(t *testing.T) {
	t.Parallel()
	_, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"), store.Options{Secret: testSecret})
	if err == nil || !strings.Contains(err.Error(), "Composer") {
		t.Errorf("open without a composer: %v, want an error naming it", err)
	}
}

// details is a valid registration; change what a test needs.
func details(email string) store.Details {
	return store.Details{
		Title: "Dr", GivenNames: "José", FamilyName: "Núñez", Email: email,
		Organisation: "City of Medellín", JobTitle: "Director of Education", Country: "CO",
		Category: "member_state", Language: "es", ConsentPrivacy: true,
	}
}

func setCapacity(t testing.TB, db *store.DB, n int) {
	t.Helper()
	s := db.Settings()
	s.Capacity = n
	if _, err := db.UpdateSettings(context.Background(), store.System, s); err != nil {
		t.Fatalf("set capacity: %v", err)
	}
}

func outbox(t testing.TB, db *store.DB, r store.Registration) []store.OutboxMessage {
	t.Helper()
	list, err := db.FindOutbox(context.Background(), store.OutboxFilter{RegistrationID: r.ID})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// countingComposer is the real composer, counting the messages it writes.
type countingComposer struct {
	*mailer.Composer
	mu    sync.Mutex
	kinds []string
}

func (c *countingComposer) Compose(kind string, r *store.Registration, s *store.Settings) (store.Email, error) {
	c.mu.Lock()
	c.kinds = append(c.kinds, kind)
	c.mu.Unlock()
	return c.Composer.Compose(kind, r, s)
}

// TestEachMessageIsComposedOnce fills the conference and registers once
// more: the late delegate's message is written once, as a waiting-list
// message, and the stored message never holds the link's secret.
func TestEachMessageIsComposedOnce(t *testing.T) {
	t.Parallel()
	real, err := mailer.NewComposer("https://iclc.example.org")
	if err != nil {
		t.Fatal(err)
	}
	counting := &countingComposer{Composer: real}
	opts := options(t, clock.At(june15))
	opts.Composer = counting
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "once.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	setCapacity(t, db, 1)
	ctx := context.Background()
	first, err := db.CreateRegistration(ctx, store.System, details("first@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	late, err := db.CreateRegistration(ctx, store.System, details("late@example.org"))
	if err != nil || late.Status != store.StatusWaitlisted {
		t.Fatalf("late registration: %s, %v", late.Status, err)
	}
	if want := []string{store.MailReceived, store.MailWaitlisted}; !slices.Equal(counting.kinds, want) {
		t.Errorf("composed %v, want %v: one message a registration", counting.kinds, want)
	}
	for _, r := range []store.Registration{first, late} {
		m := outbox(t, db, r)[0]
		if strings.Contains(m.Text+m.HTML, r.ManageToken) || !strings.Contains(m.Text, store.TokenPlaceholder) {
			t.Errorf("%s: stored message holds the secret or lacks the placeholder", r.Reference)
		}
		e, err := db.Deliverable(ctx, m)
		if err != nil || !strings.Contains(e.Text, "/r/"+r.ManageToken) || strings.Contains(e.HTML, store.TokenPlaceholder) {
			t.Errorf("%s: delivered message lacks the private link: %v", r.Reference, err)
		}
	}
}

func TestNamesInTheirOwnOrder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ given, family, want string }{
		{"José", "Núñez", "José Núñez"},
		{"伟", "王", "王伟"},
		{"민준", "김", "김민준"},
		{"Haruto", "Satō", "Haruto Satō"},
		{"", "Diop", "Diop"},
	} {
		if got := (store.Details{GivenNames: c.given, FamilyName: c.family}).FullName(); got != c.want {
			t.Errorf("%s / %s: %q, want %q", c.given, c.family, got, c.want)
		}
	}
}
