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
		if err := tx.QueryRowContext(ctx, "SELECT id FROM registrations WHERE reference = ?", reference).Scan(&id); err != nil {
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
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []Note
	for rows.Next() {
		var n Note
		var at string
		if err := rows.Scan(&n.ID, &n.Author, &n.Body, &at); err != nil {
			return nil, err
		}
		n.CreatedAt = parseTime(at)
		list = append(list, n)
	}
	return list, rows.Err()
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Actor     string // part of the actor's name
	Action    string // prefix, e.g. "registration." or "user."
	Reference string // a registration's reference
	From, To  string // YYYY-MM-DD, inclusive, in UTC
	Page      int
	PerPage   int
}

// AuditRow is an audit entry with the reference of its registration.
type AuditRow struct {
	AuditEntry
	Reference string
}

// FindAudit returns one page of audit entries, newest first, and how many
// match in all.
func (db *DB) FindAudit(ctx context.Context, f AuditFilter) ([]AuditRow, int, error) {
	var conds []string
	var args []any
	if f.Actor != "" {
		conds = append(conds, "instr(lower(a.actor), lower(?)) > 0")
		args = append(args, f.Actor)
	}
	if f.Action != "" {
		conds = append(conds, "a.action LIKE ? ESCAPE '\\'")
		args = append(args, strings.NewReplacer("%", `\%`, "_", `\_`).Replace(f.Action)+"%")
	}
	if f.Reference != "" {
		conds = append(conds, "r.reference = ?")
		args = append(args, strings.ToUpper(strings.TrimSpace(f.Reference)))
	}
	if f.From != "" {
		conds = append(conds, "a.at >= ?")
		args = append(args, f.From)
	}
	if f.To != "" {
		conds = append(conds, "a.at < ?")
		to, err := ParseDate(f.To)
		if err != nil {
			return nil, 0, &ValidationError{Fields: map[string]Message{"to": {Key: "error.date"}}}
		}
		args = append(args, to.AddDate(0, 0, 1).Format(DateLayout))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	from := " FROM audit a LEFT JOIN registrations r ON r.id = a.registration_id"
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT count(*)"+from+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	per := max(f.PerPage, 1)
	q := "SELECT a.id, a.at, a.actor, a.address, a.action, coalesce(a.registration_id, 0), a.detail, coalesce(r.reference, '')" +
		from + where + fmt.Sprintf(" ORDER BY a.id DESC LIMIT %d OFFSET %d", per, (max(f.Page, 1)-1)*per)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var list []AuditRow
	for rows.Next() {
		var e AuditRow
		var at, detail string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Address, &e.Action, &e.RegistrationID, &detail, &e.Reference); err != nil {
			return nil, 0, err
		}
		e.At = parseTime(at)
		e.Detail = decodeDetail(detail)
		list = append(list, e)
	}
	return list, total, rows.Err()
}
