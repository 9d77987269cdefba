package store

// The outbox, written: every message a change causes is composed and
// queued in the change's transaction; organisers read it in the mail
// viewer. Its delivery is in delivery.go.

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

// Kinds of message the system sends to a delegate.
const (
	MailReceived      = "received"      // registration waits for an organiser
	MailApproved      = "approved"      // registration approved
	MailWaitlisted    = "waitlisted"    // the conference is full: on the waiting list
	MailPromoted      = "promoted"      // moved up from the waiting list
	MailOffer         = "offer"         // a place is offered until a deadline
	MailOfferLapsed   = "offer_lapsed"  // the offer lapsed and went to the next one
	MailRejected      = "rejected"      // an organiser declined it
	MailCancelled     = "cancelled"     // cancelled by the delegate or an organiser
	MailDatesChanged  = "dates_changed" // the conference dates moved
	MailPaid          = "payment_received"
	MailLetterReady   = "letter_ready"   // the visa invitation letter can be downloaded
	MailLetterRefused = "letter_refused" // an organiser refused the letter, with the reason
	MailMessage       = "message"        // written by the organisers
	MailLink          = "link"           // the private link again, asked for by someone
)

// MailKinds lists every kind of message, for template checks.
var MailKinds = []string{MailReceived, MailApproved, MailWaitlisted, MailPromoted, MailOffer, MailOfferLapsed, MailRejected,
	MailCancelled, MailDatesChanged, MailPaid, MailLetterReady, MailLetterRefused, MailLink}

// Email is a message written for one delegate.
type Email struct {
	Subject string
	Text    string
	HTML    string
	// Attachments are made when the message is sent (the approval's
	// calendar), never stored in the outbox.
	Attachments []Attachment
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name, ContentType string
	Data              []byte
}

// Composer writes the message of kind for registration r under settings s.
// It runs inside the transaction of the change, so it must not touch the
// database. A message never holds the delegate's private-link secret: the
// link is written with TokenPlaceholder, which the delivery puts right.
type Composer interface {
	Compose(kind string, r *Registration, s *Settings) (Email, error)
	// ComposeMessage wraps the organisers' own subject and body.
	ComposeMessage(r *Registration, s *Settings, subject, body string) (Email, error)
	// ComposeFocalLink is a focal point's sign-in link, in lang, for the
	// delegations named; the link's secret is FocalTokenPlaceholder.
	ComposeFocalLink(lang string, s *Settings, delegations []string) (Email, error)
	// ComposeNotice is a notice to someone without a registration, in
	// lang: the catalog's "email.{key}.subject" and "email.{key}.body"
	// (given args), greeting them by name.
	ComposeNotice(lang string, s *Settings, key, name string, args ...any) (Email, error)
}

// TokenPlaceholder stands for the delegate's private-link secret in
// composed and stored messages, so that the outbox never holds it;
// Deliverable puts the real one in when the message is sent.
const TokenPlaceholder = "__manage_token__"

// OutboxMessage is a row of the outbox.
type OutboxMessage struct {
	ID             int64
	RegistrationID int64
	Kind           string
	To             string
	ToName         string
	Language       string
	Email
	Status        string // queued, sent or failed
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	CreatedAt     time.Time
	SentAt        *time.Time
	CampaignID    int64
}

// queue composes the message of kind for r and writes it into the
// outbox, in tx: once, from the state the transaction has fixed.
func (db *DB) queue(ctx context.Context, tx *sql.Tx, kind string, r *Registration, s *Settings) error {
	m, err := db.composer.Compose(kind, r, s)
	if err != nil {
		return fmt.Errorf("compose %s for %s: %w", kind, r.Reference, err)
	}
	now := formatTime(db.Now())
	_, err = tx.StmtContext(ctx, db.stmts.insertOutbox).ExecContext(ctx,
		r.ID, kind, r.Email, r.FullName(), r.Language, m.Subject, m.Text, m.HTML, now, now)
	if err != nil {
		return fmt.Errorf("queue %s for %s: %w", kind, r.Reference, err)
	}
	return nil
}

// PreviewMessage is the organisers' message as r would read it, with the
// private link's secret still a placeholder.
func (db *DB) PreviewMessage(r *Registration, subject, body string) (Email, error) {
	s := db.Settings()
	return db.composer.ComposeMessage(r, &s, subject, body)
}

// OutboxFilter selects outbox rows.
type OutboxFilter struct {
	RegistrationID int64
	CampaignID     int64
	Status         string
	Limit          int
	Offset         int
}

// FindOutbox returns outbox rows, newest first.
func (db *DB) FindOutbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, error) {
	var c conditions
	c.addIf("registration_id = ?", f.RegistrationID)
	c.addIf("status = ?", f.Status)
	c.addIf("campaign_id = ?", f.CampaignID)
	where, args := c.where()
	where += " ORDER BY id DESC"
	if f.Limit > 0 {
		where += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	return db.findOutbox(ctx, where, args...)
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
	return list[0], db.fillBody(ctx, &list[0])
}

// OutboxCounts counts outbox rows by status, for one campaign or (0) all.
func (db *DB) OutboxCounts(ctx context.Context, campaign int64) (map[string]int, error) {
	q := "SELECT status, count(*) FROM outbox"
	var args []any
	if campaign != 0 {
		q += " WHERE campaign_id = ?"
		args = append(args, campaign)
	}
	out := map[string]int{OutboxQueued: 0, OutboxSent: 0, OutboxFailed: 0}
	return out, countInto(ctx, db.read, out, q+" GROUP BY 1", args...)
}

func (db *DB) findOutbox(ctx context.Context, where string, args ...any) ([]OutboxMessage, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, coalesce(registration_id, 0), kind, to_addr, to_name,
		language, subject, body_text, body_html, status, attempts, last_error, next_attempt_at, created_at,
		sent_at, coalesce(campaign_id, 0) FROM outbox`+where, args...)
	list, err := collect(rows, err, scanOutbox)
	if err != nil {
		return nil, fmt.Errorf("find outbox: %w", err)
	}
	return list, nil
}

func scanOutbox(row scanner) (OutboxMessage, error) {
	var m OutboxMessage
	var next, created string
	var sent sql.NullString
	err := row.Scan(&m.ID, &m.RegistrationID, &m.Kind, &m.To, &m.ToName, &m.Language, &m.Subject,
		&m.Text, &m.HTML, &m.Status, &m.Attempts, &m.LastError, &next, &created, &sent, &m.CampaignID)
	m.NextAttemptAt, m.CreatedAt, m.SentAt = parseTime(next), parseTime(created), parseTimeNull(sent)
	return m, err
}
