package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
)

// photoAAD binds a sealed photo to its registration.
func photoAAD(id int64) []byte { return []byte("photo:" + strconv.FormatInt(id, 10)) }

// SetPhoto keeps the badge photo of the registration of reference: a
// cleaned JPEG (photo.Clean), sealed under the installation key.
func (db *DB) SetPhoto(ctx context.Context, actor Actor, reference string, jpeg []byte) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		r, err := db.findForUpdate(ctx, tx, reference)
		if err != nil {
			return err
		}
		if !r.Live() {
			return &ConflictError{Reason: "not_live"}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO photos (registration_id, sealed, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (registration_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
			r.ID, seal(db.passportKey, jpeg, photoAAD(r.ID)), formatTime(db.Now())); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "registration.photo", r.ID, nil)
	})
}

// Photo is the badge photo of registration id, or ErrNotFound.
func (db *DB) Photo(ctx context.Context, id int64) ([]byte, error) {
	var sealed []byte
	err := db.read.QueryRowContext(ctx, "SELECT sealed FROM photos WHERE registration_id = ?", id).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return open(db.passportKey, sealed, photoAAD(id))
}

// HasPhoto reports whether registration id has a badge photo.
func (db *DB) HasPhoto(ctx context.Context, id int64) bool {
	var n int
	db.read.QueryRowContext(ctx, "SELECT count(*) FROM photos WHERE registration_id = ?", id).Scan(&n)
	return n > 0
}
