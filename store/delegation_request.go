package store

// Requests for a delegation: anyone may ask, on the public form, for a
// delegation with themselves as its focal point; organisers approve (the
// delegation is made and its focal points sent their sign-in links) or
// refuse with a reason the requester is told.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The states of a request for a delegation.
const (
	RequestPending  = "pending"
	RequestApproved = "approved"
	RequestRefused  = "refused"
)

// Mail about a request for a delegation.
const (
	MailRequestReceived = "delegation_request"
	MailRequestRefused  = "delegation_refused"
)

// DelegationRequest is a request for a delegation.
type DelegationRequest struct {
	ID int64
	// Delegation is what was asked for: its focal points are the
	// requester's address, then any others given.
	Delegation
	ContactName string
	Email       string
	Message     string
	Status      string
	Reason      string
	CreatedAt   time.Time
	DecidedBy   string
}

// Validate checks a request as the public form sends it.
func (r *DelegationRequest) Validate() error {
	v := &ValidationError{}
	r.ContactName, r.Email, r.Message = strings.TrimSpace(r.ContactName), strings.TrimSpace(r.Email), strings.TrimSpace(r.Message)
	text(v, "contact_name", r.ContactName, 200, true)
	if !validEmail(r.Email) {
		v.Add("email", "error.email")
	}
	text(v, "message", r.Message, 2000, false)
	d := r.Delegation
	d.FocalPoints = append([]string{r.Email}, d.FocalPoints...)
	v.Merge(d.Validate())
	if r.Quota < 1 || r.Quota > 50 {
		v.Add("quota", "error.range", 1, 50)
	}
	if !slices.Contains(Languages, r.Language) {
		r.Language = "en"
	}
	return v.Err()
}

// RequestDelegation keeps a request for a delegation and tells the
// requester it arrived.
func (db *DB) RequestDelegation(ctx context.Context, actor Actor, r DelegationRequest) (DelegationRequest, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	r.Status, r.CreatedAt = RequestPending, db.Now()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO delegation_requests (name, kind, country, quota, contact_name, email, focal_points,
			message, language, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Name, r.Kind, r.Country, r.Quota, r.ContactName,
			r.Email, strings.Join(r.FocalPoints, "\n"), r.Message, r.Language, formatTime(r.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert delegation request: %w", err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		l := s.Name.In(r.Language)
		if err := db.queueNotice(ctx, tx, MailRequestReceived, r.Email, r.ContactName, r.Language, s,
			noticeText{Key: "request_received", Args: []any{r.Name, l}}); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "delegation.requested", 0, map[string]any{"request": r.ID, "name": r.Name, "kind": r.Kind,
			"email": r.Email})
	})
	if err == nil {
		db.signalQueued()
	}
	return r, err
}

const requestColumns = `id, name, kind, country, quota, contact_name, email, focal_points, message, language, status, reason,
	coalesce(delegation_id, 0), created_at, decided_by`

func scanRequest(row scanner) (DelegationRequest, error) {
	var r DelegationRequest
	var focal, created string
	err := row.Scan(&r.ID, &r.Name, &r.Kind, &r.Country, &r.Quota, &r.ContactName, &r.Email, &focal, &r.Message, &r.Language,
		&r.Status, &r.Reason, &r.Delegation.ID, &created, &r.DecidedBy)
	r.FocalPoints = append([]string{r.Email}, strings.Fields(focal)...)
	r.CreatedAt = parseTime(created)
	return r, err
}

// DelegationRequests are the requests in a state, the oldest first.
func (db *DB) DelegationRequests(ctx context.Context, status string) ([]DelegationRequest, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+requestColumns+" FROM delegation_requests WHERE status = ? ORDER BY id", status)
	return collect(rows, err, scanRequest)
}

// FindDelegationRequest returns one request, or ErrNotFound.
func (db *DB) FindDelegationRequest(ctx context.Context, id int64) (DelegationRequest, error) {
	r, err := scanRequest(db.read.QueryRowContext(ctx, "SELECT "+requestColumns+" FROM delegation_requests WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// ApproveDelegationRequest makes the delegation a pending request asked
// for, with the quota the organiser grants, and sends its focal points
// their sign-in links in the requester's language.
func (db *DB) ApproveDelegationRequest(ctx context.Context, actor Actor, id int64, quota int) (Delegation, error) {
	r, err := db.FindDelegationRequest(ctx, id)
	if err != nil {
		return Delegation{}, err
	}
	if r.Status != RequestPending {
		return Delegation{}, &ConflictError{Reason: "request_" + r.Status}
	}
	d := r.Delegation
	d.ID, d.Quota, d.Language = 0, quota, r.Language
	if err := d.Validate(); err != nil {
		return d, err
	}
	// the request is decided in the transaction that makes the delegation:
	// two organisers approving at once make one
	d, err = db.createDelegation(ctx, actor, d, func(tx *sql.Tx, made int64) error {
		return decideRequest(ctx, tx, db, actor, id, RequestApproved, "", made)
	})
	if err != nil {
		return d, err
	}
	if err := db.sendFocalLinks(ctx, d.FocalPoints, r.Language); err != nil {
		return d, err
	}
	return db.FindDelegation(ctx, d.ID)
}

// RefuseDelegationRequest refuses a pending request, with the reason the
// requester is told.
func (db *DB) RefuseDelegationRequest(ctx context.Context, actor Actor, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	v := &ValidationError{}
	text(v, "reason", reason, 500, true)
	if err := v.Err(); err != nil {
		return err
	}
	r, err := db.FindDelegationRequest(ctx, id)
	if err != nil {
		return err
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := decideRequest(ctx, tx, db, actor, id, RequestRefused, reason, 0); err != nil {
			return err
		}
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		return db.queueNotice(ctx, tx, MailRequestRefused, r.Email, r.ContactName, r.Language, s,
			noticeText{Key: "request_refused", Args: []any{r.Name, reason}})
	})
	if err == nil {
		db.signalQueued()
	}
	return err
}

// decideRequest records the decision on a request still pending.
func decideRequest(ctx context.Context, tx *sql.Tx, db *DB, actor Actor, id int64, status, reason string, delegation int64) error {
	var d any
	if delegation != 0 {
		d = delegation
	}
	res, err := tx.ExecContext(ctx, `UPDATE delegation_requests SET status = ?, reason = ?, delegation_id = ?, decided_at = ?, decided_by = ?
		WHERE id = ? AND status = 'pending'`, status, reason, d, formatTime(db.Now()), actor.String(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &ConflictError{Reason: "request_decided"}
	}
	return db.audit(ctx, tx, actor, "delegation.request_"+status, 0, map[string]any{"request": id, "reason": reason, "delegation": delegation})
}

// noticeText is a notice's catalog key ("email.{Key}.subject" and
// ".body") and the body's arguments.
type noticeText struct {
	Key  string
	Args []any
}

// queueNotice writes a notice to someone who has no registration (a focal
// point, a requester) into the outbox, in tx.
func (db *DB) queueNotice(ctx context.Context, tx *sql.Tx, kind, to, name, lang string, s *Settings, n noticeText) error {
	e, err := db.composer.ComposeNotice(lang, s, n.Key, name, n.Args...)
	if err != nil {
		return fmt.Errorf("compose %s: %w", kind, err)
	}
	now := formatTime(db.Now())
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (kind, to_addr, to_name, language, subject, body_text, body_html,
		next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, kind, to, name, lang, e.Subject, e.Text, e.HTML, now, now)
	return err
}
