package store

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxNoteBytes is the largest note verbale a focal point may upload.
const MaxNoteBytes = 10 << 20

// noteTypes are what a note verbale may be, told by its content.
var noteTypes = []string{"application/pdf", "image/png", "image/jpeg"}

// NoteVerbale is a delegation's note verbale.
type NoteVerbale struct {
	Data        []byte
	ContentType string
	FileName    string
	UploadedAt  time.Time
	UploadedBy  string
}

// SaveNoteVerbale keeps data as the delegation's note verbale, replacing
// any before: a PDF, PNG or JPEG by its content, whatever its name says,
// up to MaxNoteBytes.
func (db *DB) SaveNoteVerbale(ctx context.Context, actor Actor, delegation int64, name string, data []byte) error {
	v := &ValidationError{}
	kind := http.DetectContentType(data)
	switch {
	case len(data) == 0:
		v.Add("note_verbale", "error.note_empty")
	case len(data) > MaxNoteBytes:
		v.Add("note_verbale", "error.note_size", MaxNoteBytes>>20)
	case !slices.Contains(noteTypes, kind):
		v.Add("note_verbale", "error.note_type")
	}
	if err := v.Err(); err != nil {
		return err
	}
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if !utf8.ValidString(name) || len(name) > 200 || name == "." || name == "/" {
		name = "note-verbale"
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM delegations WHERE id = ?", delegation).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notes_verbales (delegation_id, data, content_type, file_name, uploaded_at, uploaded_by)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delegation_id) DO UPDATE SET data = excluded.data, content_type = excluded.content_type,
			file_name = excluded.file_name, uploaded_at = excluded.uploaded_at, uploaded_by = excluded.uploaded_by`,
			delegation, data, kind, name, formatTime(db.Now()), actor.String()); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "delegation.note_verbale", 0, map[string]any{"delegation": delegation,
			"file": name, "bytes": len(data), "type": kind})
	})
}

// FindNoteVerbale returns the delegation's note verbale, or ErrNotFound.
func (db *DB) FindNoteVerbale(ctx context.Context, delegation int64) (NoteVerbale, error) {
	var n NoteVerbale
	var at string
	err := db.read.QueryRowContext(ctx, "SELECT data, content_type, file_name, uploaded_at, uploaded_by FROM notes_verbales WHERE delegation_id = ?",
		delegation).Scan(&n.Data, &n.ContentType, &n.FileName, &at, &n.UploadedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return n, ErrNotFound
	}
	n.UploadedAt = parseTime(at)
	return n, err
}

// RecordCredentials records the delegation's credentials as received
// (copy or original, on a day) or not.
func (db *DB) RecordCredentials(ctx context.Context, actor Actor, delegation int64, kind, day string) error {
	v := &ValidationError{}
	if !slices.Contains([]string{CredentialsNone, CredentialsCopy, CredentialsOriginal}, kind) {
		v.Add("credentials", "error.choice")
	}
	var at any
	if kind != CredentialsNone {
		if t, ok := date(v, "credentials_at", day, true); ok {
			at = formatTime(t)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE delegations SET credentials = ?, credentials_at = ?, updated_at = ? WHERE id = ?",
			kind, at, formatTime(db.Now()), delegation)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return db.audit(ctx, tx, actor, "delegation.credentials", 0, map[string]any{"delegation": delegation, "credentials": kind, "on": day})
	})
}

// awaitingNote reports whether a member of the delegation must wait for
// its note verbale before being approved: the setting is on, the
// delegation is a Member State's, and no note is in.
func awaitingNote(ctx context.Context, tx *sql.Tx, s *Settings, delegation int64) (bool, error) {
	if !s.NoteVerbaleFirst || delegation == 0 {
		return false, nil
	}
	var waiting bool
	err := tx.QueryRowContext(ctx, `SELECT d.kind = 'member_state' AND NOT EXISTS (SELECT 1 FROM notes_verbales n WHERE n.delegation_id = d.id)
		FROM delegations d WHERE d.id = ?`, delegation).Scan(&waiting)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return waiting, err
}
