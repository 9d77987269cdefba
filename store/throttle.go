package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// The login throttle: every attempt is counted before its password is
// checked, in the single writer, so that parallel guesses are counted one
// by one. A client that fails too often is locked out for a while; an
// account is never locked (strangers could lock an organiser out) but its
// failures slow every further attempt at it.
const (
	LoginWindow       = 15 * time.Minute
	LoginLockFor      = 15 * time.Minute
	LoginClientLimit  = 20 // attempts from one client network in the window before it is locked
	loginSlowdownStep = 100 * time.Millisecond
	loginSlowdownMax  = time.Second
)

// LoginThrottle is what the throttle says of an attempt.
type LoginThrottle struct {
	// LockedUntil is set when the client is locked: the attempt is not
	// to be checked at all.
	LockedUntil time.Time
	// Delay is how long to make the answer to a failed attempt wait.
	Delay time.Duration
}

// CountLoginAttempt counts an attempt from client at account, before the
// password is checked.
func (db *DB) CountLoginAttempt(ctx context.Context, client, account string) (LoginThrottle, error) {
	var t LoginThrottle
	now := db.Now()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		clientCount, lockedUntil, err := countAttempt(ctx, tx, "client:"+client, now)
		if err != nil {
			return err
		}
		if lockedUntil.After(now) {
			t.LockedUntil = lockedUntil
			return nil
		}
		if clientCount > LoginClientLimit {
			t.LockedUntil = now.Add(LoginLockFor)
			_, err := tx.ExecContext(ctx, "UPDATE login_attempts SET locked_until = ? WHERE key = ?",
				formatTime(t.LockedUntil), "client:"+client)
			return err
		}
		accountCount, _, err := countAttempt(ctx, tx, "account:"+account, now)
		if err != nil {
			return err
		}
		// the first attempts go at once; then each waits longer
		t.Delay = min(time.Duration(max(clientCount, accountCount)-1)*loginSlowdownStep, loginSlowdownMax)
		return nil
	})
	return t, err
}

// countAttempt adds one to key's count in the window and returns it with
// the key's lock.
func countAttempt(ctx context.Context, tx *sql.Tx, key string, now time.Time) (int, time.Time, error) {
	var count int
	var first, locked string
	err := tx.QueryRowContext(ctx, "SELECT count, first_at, locked_until FROM login_attempts WHERE key = ?", key).
		Scan(&count, &first, &locked)
	switch {
	case errors.Is(err, sql.ErrNoRows) || (err == nil && now.Sub(parseTime(first)) > LoginWindow && !parseTime(locked).After(now)):
		count, first, locked = 0, formatTime(now), ""
	case err != nil:
		return 0, time.Time{}, err
	}
	count++
	_, err = tx.ExecContext(ctx, `INSERT INTO login_attempts (key, count, first_at, locked_until) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET count = excluded.count, first_at = excluded.first_at, locked_until = excluded.locked_until`,
		key, count, first, locked)
	return count, parseTime(locked), err
}

// LoginSucceeded forgets the account's failures after a good password
// (the client's stay counted), and records the sign-in in the audit log.
func (db *DB) LoginSucceeded(ctx context.Context, actor Actor, account string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM login_attempts WHERE key = ?", "account:"+account); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "user.login", 0, map[string]any{"email": account})
	})
}

// LoginFailed records a wrong email or password in the audit log.
func (db *DB) LoginFailed(ctx context.Context, actor Actor, account string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return db.audit(ctx, tx, actor, "user.login_failed", 0, map[string]any{"email": account})
	})
}
