package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"delegate/clock"
	"delegate/store"
)

// TestSetupLinkIsSingleUseUnderARace posts one setup link ten times at
// once: one admin is made, the other nine find the link used.
func TestSetupLinkIsSingleUseUnderARace(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	secret, err := db.CreateSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = db.CompleteSetup(ctx, store.System, secret, fmt.Sprintf("admin%d@uil.example", i), "correct horse battery staple")
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		}
	}
	if n, _ := db.CountUsers(ctx); n != 1 || ok != 1 {
		t.Errorf("ten posts of one setup link made %d organisers (%d answered yes), want 1", n, ok)
	}
}

// TestLoginThrottleSurvivesARestart: a client locked for guessing stays
// locked after the server restarts; the account it guessed at is only
// slowed.
func TestLoginThrottleSurvivesARestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "throttle.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path, options(t, clock.At(june15)))
	if err != nil {
		t.Fatal(err)
	}
	var th store.LoginThrottle
	for range store.LoginClientLimit + 1 {
		if th, err = db.CountLoginAttempt(ctx, "203.0.113.9", "admin@uil.example"); err != nil {
			t.Fatal(err)
		}
	}
	if th.LockedUntil.IsZero() {
		t.Fatal("not locked after the limit")
	}
	db.Close()
	db, err = store.Open(ctx, path, options(t, clock.At(june15)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if th, _ := db.CountLoginAttempt(ctx, "203.0.113.9", "admin@uil.example"); th.LockedUntil.IsZero() {
		t.Error("the lock was forgotten in a restart")
	}
	if th, _ := db.CountLoginAttempt(ctx, "198.51.100.7", "admin@uil.example"); !th.LockedUntil.IsZero() || th.Delay == 0 {
		t.Errorf("another client at the guessed account: %+v, want slowed, not locked", th)
	}
}

// TestFilesAreTheOwnersAlone: the database, its WAL and a backup are mode
// 0600, whatever the umask, since they hold passport data and sessions.
func TestFilesAreTheOwnersAlone(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	if _, err := db.CreateRegistration(ctx, store.System, details("files@example.org")); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{db.Path(), db.Path() + "-wal", backup} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := info.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), m)
		}
	}
}

// TestStartTellsWhatIsWrongWithTheFolder: a missing or read-only folder
// for the database is said in so many words.
func TestStartTellsWhatIsWrongWithTheFolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := store.Open(ctx, filepath.Join(t.TempDir(), "missing", "d.db"), options(t, clock.At(june15)))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing folder: %v", err)
	}
	// /sys takes no new files, even from root
	if _, err := store.Open(ctx, "/sys/delegate.db", options(t, clock.At(june15))); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("a read-only folder: %v", err)
	}
}
