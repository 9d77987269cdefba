package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Outbox statuses.
const (
	OutboxQueued = "queued"
	OutboxSent   = "sent"
	OutboxFailed = "failed"
)

// DueMessages returns up to limit queued messages whose time has come,
// oldest first.
func (db *DB) DueMessages(ctx context.Context, now time.Time, limit int) ([]OutboxMessage, error) {
	return db.findOutbox(ctx, " WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
		formatTime(now), limit)
}

// Delivery is the outcome of one attempt to send a message.
type Delivery struct {
	ID     int64
	Status string    // OutboxSent, OutboxFailed, or OutboxQueued to try again
	Error  string    // the server's answer, when not sent
	At     time.Time // when it was sent, or when to try again
}

// RecordDeliveries writes the outcomes of one batch in one transaction.
func (db *DB) RecordDeliveries(ctx context.Context, ds []Delivery) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, d := range ds {
			var err error
			switch d.Status {
			case OutboxSent:
				_, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?,
					last_error = '' WHERE id = ?`, formatTime(d.At), d.ID)
			case OutboxFailed:
				_, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'failed', attempts = attempts + 1,
					last_error = ? WHERE id = ?`, clip(d.Error, 1000), d.ID)
			default:
				_, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?,
					next_attempt_at = ? WHERE id = ?`, clip(d.Error, 1000), formatTime(d.At), d.ID)
			}
			if err != nil {
				return fmt.Errorf("record delivery of %d: %w", d.ID, err)
			}
		}
		return nil
	})
}

// Resend queues failed messages again: the one with id, or every failed
// one when id is 0. It returns how many.
func (db *DB) Resend(ctx context.Context, actor Actor, id int64) (int, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		q := "UPDATE outbox SET status = 'queued', next_attempt_at = ? WHERE status = 'failed'"
		args := []any{formatTime(db.Now())}
		if id != 0 {
			q += " AND id = ?"
			args = append(args, id)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if id != 0 && n == 0 {
			return &ConflictError{Reason: "not_failed"}
		}
		return db.audit(ctx, tx, actor, "mail.resend", 0, map[string]any{"message": id, "count": n})
	})
	if err == nil && n > 0 {
		db.signalQueued()
	}
	return int(n), err
}

// FindMessage returns one outbox row.
func (db *DB) FindMessage(ctx context.Context, id int64) (OutboxMessage, error) {
	list, err := db.findOutbox(ctx, " WHERE id = ?", id)
	if err != nil {
		return OutboxMessage{}, err
	}
	if len(list) == 0 {
		return OutboxMessage{}, ErrNotFound
	}
	return list[0], nil
}

// OutboxCounts counts outbox rows by status, for one campaign or (0) all.
func (db *DB) OutboxCounts(ctx context.Context, campaign int64) (map[string]int, error) {
	q := "SELECT status, count(*) FROM outbox"
	var args []any
	if campaign != 0 {
		q += " WHERE campaign_id = ?"
		args = append(args, campaign)
	}
	rows, err := db.read.QueryContext(ctx, q+" GROUP BY 1", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{OutboxQueued: 0, OutboxSent: 0, OutboxFailed: 0}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func (db *DB) findOutbox(ctx context.Context, where string, args ...any) ([]OutboxMessage, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, coalesce(registration_id, 0), kind, to_addr, to_name,
		language, subject, body_text, body_html, status, attempts, last_error, next_attempt_at, created_at,
		sent_at, coalesce(campaign_id, 0) FROM outbox`+where, args...)
	if err != nil {
		return nil, fmt.Errorf("find outbox: %w", err)
	}
	defer rows.Close()
	var list []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var next, created string
		var sent sql.NullString
		if err := rows.Scan(&m.ID, &m.RegistrationID, &m.Kind, &m.To, &m.ToName, &m.Language, &m.Subject,
			&m.Text, &m.HTML, &m.Status, &m.Attempts, &m.LastError, &next, &created, &sent, &m.CampaignID); err != nil {
			return nil, err
		}
		m.NextAttemptAt, m.CreatedAt = parseTime(next), parseTime(created)
		if sent.Valid {
			t := parseTime(sent.String)
			m.SentAt = &t
		}
		list = append(list, m)
	}
	return list, rows.Err()
}
