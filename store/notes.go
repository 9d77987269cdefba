package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Note is an organisers' internal note on a registration.
type Note struct {
	ID        int64
	Author    string
	Body      string
	CreatedAt time.Time
}

// AddNote adds an internal note to the registration with reference.
func (db *DB) AddNote(ctx context.Context, actor Actor, reference, body string) error {
	body = strings.TrimSpace(body)
	v := &ValidationError{}
	text(v, "note", body, 2000, true)
	if err := v.Err(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM registrations WHERE reference = ?", NormalReference(reference)).Scan(&id); err != nil {
			if err == sql.ErrNoRows {
				return ErrNotFound
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO notes (registration_id, author, body, created_at) VALUES (?, ?, ?, ?)",
			id, actor.String(), body, formatTime(db.Now())); err != nil {
			return fmt.Errorf("add note: %w", err)
		}
		return db.audit(ctx, tx, actor, "registration.note", id, nil)
	})
}

// Notes returns a registration's notes, oldest first.
func (db *DB) Notes(ctx context.Context, registrationID int64) ([]Note, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, author, body, created_at FROM notes WHERE registration_id = ? ORDER BY id", registrationID)
	return collect(rows, err, scanNote)
}

func scanNote(row scanner) (Note, error) {
	var n Note
	var at string
	err := row.Scan(&n.ID, &n.Author, &n.Body, &at)
	n.CreatedAt = parseTime(at)
	return n, err
}
