package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// MessageText is what organisers write to delegates, in one language.
type MessageText struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Campaign is one message from the organisers to many delegates.
type Campaign struct {
	ID        int64
	Author    string
	Filter    Filter
	Texts     map[string]MessageText
	CreatedAt time.Time
}

// ValidateTexts checks a message in every language: a subject of one line
// and a body.
func ValidateTexts(texts map[string]MessageText) error {
	v := &ValidationError{}
	for _, lang := range Languages {
		t := texts[lang]
		text(v, "subject."+lang, strings.TrimSpace(t.Subject), 200, true)
		text(v, "body."+lang, strings.TrimSpace(t.Body), 10000, true)
	}
	return v.Err()
}

// Recipients are the registrations a campaign with filter f reaches: the
// live ones unless f names a status.
func (db *DB) Recipients(ctx context.Context, f Filter) ([]Registration, error) {
	f.Page, f.PerPage, f.Q, f.Sort = 0, 0, "", "oldest"
	where, args := f.where()
	if f.Status == "" {
		if where == "" {
			where = " WHERE "
		} else {
			where += " AND "
		}
		where += sqlLive
	}
	return db.scanAll(db.read.QueryContext(ctx, "SELECT "+detailColumns+" FROM registrations"+where+" ORDER BY id", args...))
}

// SendCampaign writes the organisers' message to every recipient of f, in
// each one's language, into the outbox in one transaction, and returns the
// campaign and how many messages were queued.
func (db *DB) SendCampaign(ctx context.Context, actor Actor, f Filter, texts map[string]MessageText) (Campaign, int, error) {
	if err := ValidateTexts(texts); err != nil {
		return Campaign{}, 0, err
	}
	recipients, err := db.Recipients(ctx, f)
	if err != nil {
		return Campaign{}, 0, err
	}
	if len(recipients) == 0 {
		return Campaign{}, 0, &ConflictError{Reason: "no_recipients"}
	}
	s := db.Settings()
	// written before the transaction: the single writer only inserts
	mails := make([]Email, len(recipients))
	for i := range recipients {
		t := texts[recipients[i].Language]
		if mails[i], err = db.composer.ComposeMessage(&recipients[i], &s, t.Subject, t.Body); err != nil {
			return Campaign{}, 0, err
		}
	}
	c := Campaign{Author: actor.String(), Filter: f, Texts: texts, CreatedAt: db.Now()}
	filter, _ := json.Marshal(f)
	body, _ := json.Marshal(texts)
	err = db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO campaigns (author, filter, texts, created_at) VALUES (?, ?, ?, ?)",
			c.Author, string(filter), string(body), formatTime(c.CreatedAt))
		if err != nil {
			return err
		}
		c.ID, _ = res.LastInsertId()
		now := formatTime(db.Now())
		for i, r := range recipients {
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (registration_id, kind, to_addr, to_name, language,
				subject, body_text, body_html, next_attempt_at, created_at, campaign_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, MailMessage, r.Email, r.FullName(), r.Language, mails[i].Subject, mails[i].Text, mails[i].HTML,
				now, now, c.ID); err != nil {
				return fmt.Errorf("queue campaign message: %w", err)
			}
		}
		return db.audit(ctx, tx, actor, "mail.campaign", 0, map[string]any{"campaign": c.ID,
			"recipients": len(recipients), "subject": texts["en"].Subject})
	})
	if err != nil {
		return Campaign{}, 0, err
	}
	db.signalQueued()
	return c, len(recipients), nil
}

// FindCampaign returns a campaign.
func (db *DB) FindCampaign(ctx context.Context, id int64) (Campaign, error) {
	var c Campaign
	var filter, texts, created string
	err := db.read.QueryRowContext(ctx, "SELECT id, author, filter, texts, created_at FROM campaigns WHERE id = ?", id).
		Scan(&c.ID, &c.Author, &filter, &texts, &created)
	if err == sql.ErrNoRows {
		return c, ErrNotFound
	}
	if err != nil {
		return c, err
	}
	json.Unmarshal([]byte(filter), &c.Filter)
	json.Unmarshal([]byte(texts), &c.Texts)
	c.CreatedAt = parseTime(created)
	return c, nil
}
