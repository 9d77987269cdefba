package store

// Focal points sign in with a one-time link sent to their address: no
// password to forget, and nobody signs in who cannot read that mailbox.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MailFocalLink is the message that carries a focal point's sign-in link.
const MailFocalLink = "focal_link"

// FocalTokenPlaceholder stands for a sign-in link's secret in the outbox;
// the delivery puts the sealed token in its place.
const FocalTokenPlaceholder = "__focal_token__"

// FocalLinkLife is how long a sign-in link works; it works once.
const FocalLinkLife = time.Hour

// focalLinkEvery is how often one address is sent a link at most.
const focalLinkEvery = time.Minute

// SendFocalLink emails a sign-in link to email in lang when it is a focal
// point's address. It says nothing of whether it is: an unknown address,
// or one sent a link in the last minute, is quietly passed over.
func (db *DB) SendFocalLink(ctx context.Context, email, lang string) error {
	email = strings.TrimSpace(email)
	if !validEmail(email) {
		return &ValidationError{Fields: map[string]Message{"email": {Key: "error.email"}}}
	}
	queued := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT d.name FROM delegations d JOIN delegation_focal_points f ON f.delegation_id = d.id
			WHERE f.email_key = ? ORDER BY d.name COLLATE NOCASE`, EmailKey(email))
		names, err := collect(rows, err, scanString)
		if err != nil || len(names) == 0 {
			return err
		}
		now := db.Now()
		var recent int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM focal_links WHERE email_key = ? AND created_at > ?",
			EmailKey(email), formatTime(now.Add(-focalLinkEvery))).Scan(&recent); err != nil || recent > 0 {
			return err
		}
		e, err := db.composer.ComposeFocalLink(lang, s, names)
		if err != nil {
			return fmt.Errorf("compose focal link: %w", err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO outbox (kind, to_addr, to_name, language, subject, body_text, body_html,
			next_attempt_at, created_at) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?)`, MailFocalLink, email, lang, e.Subject, e.Text, e.HTML,
			formatTime(now), formatTime(now))
		if err != nil {
			return fmt.Errorf("queue focal link: %w", err)
		}
		outbox, _ := res.LastInsertId()
		token, hash := NewToken()
		if _, err := tx.ExecContext(ctx, `INSERT INTO focal_links (email, email_key, token_hash, token_sealed, outbox_id, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, email, EmailKey(email), hash, seal(db.passportKey, []byte(token), []byte("focal-link")),
			outbox, formatTime(now), formatTime(now.Add(FocalLinkLife))); err != nil {
			return err
		}
		queued = true
		return db.audit(ctx, tx, Actor{Kind: "focal", Name: email}, "focal.link_sent", 0, nil)
	})
	if queued {
		db.signalQueued()
	}
	return err
}

// UseFocalLink spends a sign-in link and returns the address it was sent
// to; a link unknown, used or past its hour is ErrNotFound.
func (db *DB) UseFocalLink(ctx context.Context, token string) (string, error) {
	var email string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		var expires string
		var used sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT id, email, expires_at, used_at FROM focal_links WHERE token_hash = ?",
			HashToken(token)).Scan(&id, &email, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		now := db.Now()
		if used.Valid || !now.Before(parseTime(expires)) {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, "UPDATE focal_links SET used_at = ? WHERE id = ?", formatTime(now), id); err != nil {
			return err
		}
		return db.audit(ctx, tx, Actor{Kind: "focal", Name: email}, "focal.login", 0, nil)
	})
	return email, err
}

// IsFocalPoint reports whether email may act for the delegation.
func (db *DB) IsFocalPoint(ctx context.Context, email string, delegation int64) bool {
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM delegation_focal_points WHERE delegation_id = ? AND email_key = ?",
		delegation, EmailKey(email)).Scan(&n)
	return err == nil && n > 0
}

// focalToken is the secret of the sign-in link that message id carries.
func (db *DB) focalToken(ctx context.Context, id int64) (string, error) {
	var sealed []byte
	if err := db.read.QueryRowContext(ctx, "SELECT token_sealed FROM focal_links WHERE outbox_id = ?", id).Scan(&sealed); err != nil {
		return "", err
	}
	token, err := open(db.passportKey, sealed, []byte("focal-link"))
	return string(token), err
}
