package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Kinds of message the system sends to a delegate.
const (
	MailReceived     = "received"      // registration waits for an organiser
	MailApproved     = "approved"      // registration approved
	MailWaitlisted   = "waitlisted"    // the conference is full: on the waiting list
	MailPromoted     = "promoted"      // moved up from the waiting list
	MailRejected     = "rejected"      // an organiser declined it
	MailCancelled    = "cancelled"     // cancelled by the delegate or an organiser
	MailDatesChanged = "dates_changed" // the conference dates moved
	MailPaid         = "payment_received"
	MailLetterReady  = "letter_ready" // the visa invitation letter can be downloaded
	MailMessage      = "message"      // written by the organisers
)

// MailKinds lists every kind of message, for template checks.
var MailKinds = []string{MailReceived, MailApproved, MailWaitlisted, MailPromoted, MailRejected,
	MailCancelled, MailDatesChanged, MailPaid, MailLetterReady}

// Email is a message written for one delegate.
type Email struct {
	Subject string
	Text    string
	HTML    string
}

// Composer writes the message of kind for registration r under settings s.
// It runs inside the transaction of the change, so it must not touch the
// database. A message never holds the delegate's private-link secret: the
// link is written with TokenPlaceholder, which the delivery puts right.
type Composer interface {
	Compose(kind string, r *Registration, s *Settings) (Email, error)
	// ComposeMessage wraps the organisers' own subject and body.
	ComposeMessage(r *Registration, s *Settings, subject, body string) (Email, error)
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
	where := " WHERE 1=1"
	var args []any
	if f.RegistrationID != 0 {
		where += " AND registration_id = ?"
		args = append(args, f.RegistrationID)
	}
	if f.Status != "" {
		where += " AND status = ?"
		args = append(args, f.Status)
	}
	if f.CampaignID != 0 {
		where += " AND campaign_id = ?"
		args = append(args, f.CampaignID)
	}
	where += " ORDER BY id DESC"
	if f.Limit > 0 {
		where += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	return db.findOutbox(ctx, where, args...)
}

// Deliverable is the message as the recipient gets it: the private link
// with its real secret.
func (db *DB) Deliverable(ctx context.Context, m OutboxMessage) (Email, error) {
	e := m.Email
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
