package store

// Delivery: what the mail worker reads from the outbox and records of each
// attempt. Writing messages into the outbox is in outbox.go.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// DueMessages returns up to limit queued messages whose time has come,
// oldest first: read in the order of the index of queued messages
// (migration 0021), so a batch costs the same with 200,000 queued as
// with 2,000.
func (db *DB) DueMessages(ctx context.Context, now time.Time, limit int) ([]OutboxMessage, error) {
	return db.findOutbox(ctx, " INDEXED BY outbox_queued WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
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

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// fillBody composes a campaign's message, which the outbox keeps without
// a body (campaignBody).
func (db *DB) fillBody(ctx context.Context, m *OutboxMessage) error {
	if m.CampaignID == 0 || m.Email.Text != "" || m.RegistrationID == 0 {
		return nil
	}
	return db.campaignBody(ctx, m)
}

// Deliverable is the message as the recipient gets it: the private link
// with its real secret.
func (db *DB) Deliverable(ctx context.Context, m OutboxMessage) (Email, error) {
	if err := db.fillBody(ctx, &m); err != nil {
		return Email{}, fmt.Errorf("message %d: %w", m.ID, err)
	}
	e := m.Email
	if m.Kind == MailFocalLink {
		token, err := db.focalToken(ctx, m.ID)
		if err != nil {
			return e, fmt.Errorf("message %d: sign-in link: %w", m.ID, err)
		}
		e.Text = strings.ReplaceAll(e.Text, FocalTokenPlaceholder, token)
		e.HTML = strings.ReplaceAll(e.HTML, FocalTokenPlaceholder, token)
		return e, nil
	}
	if m.RegistrationID == 0 || !strings.Contains(e.Text+e.HTML, TokenPlaceholder) {
		return e, nil
	}
	var reference string
	var sealed []byte
	err := db.read.QueryRowContext(ctx, "SELECT reference, token_sealed FROM registrations WHERE id = ?",
		m.RegistrationID).Scan(&reference, &sealed)
	if err != nil {
		return e, fmt.Errorf("message %d: %w", m.ID, err)
	}
	token, err := open(db.passportKey, sealed, []byte("token:"+reference))
	if err != nil {
		return e, fmt.Errorf("message %d: private link: %w", m.ID, err)
	}
	e.Text = strings.ReplaceAll(e.Text, TokenPlaceholder, string(token))
	e.HTML = strings.ReplaceAll(e.HTML, TokenPlaceholder, string(token))
	return e, nil
}
