package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Organisers' sessions are rows of their own: the handlers keep the
// session manager and its cookie, the store only the data and its expiry.

// FindSession returns the data of the session token, if it is stored and
// its expiry is after now.
func (db *DB) FindSession(ctx context.Context, token string, now time.Time) ([]byte, bool, error) {
	var data []byte
	err := db.read.QueryRowContext(ctx, "SELECT data FROM sessions WHERE token = ? AND expiry > ?",
		token, formatTime(now)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return data, err == nil, err
}

// SessionExpiry returns the stored data and expiry of the session token.
func (db *DB) SessionExpiry(ctx context.Context, token string) ([]byte, time.Time, error) {
	var data []byte
	var expiry string
	err := db.read.QueryRowContext(ctx, "SELECT data, expiry FROM sessions WHERE token = ?", token).Scan(&data, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, ErrNotFound
	}
	return data, parseTime(expiry), err
}

// SaveSession stores a session's data until expiry, and drops the
// sessions expired by now.
func (db *DB) SaveSession(ctx context.Context, token string, data []byte, expiry, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expiry <= ?", formatTime(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			token, data, formatTime(expiry))
		return err
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE token = ?", token)
		return err
	})
}
