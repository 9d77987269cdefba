package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
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
	// Kind is the message kind of a campaign the system started, such as
	// MailDatesChanged; "" for a message the organisers wrote.
	Kind string
	// Finished says every message of it is in the outbox.
	Finished bool
	next     int64 // the last registration queued
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

// recipientsWhere selects the registrations a campaign with filter f
// reaches: the live ones unless f names a status.
func recipientsWhere(f Filter) (string, []any) {
	f = Filter{Status: f.Status, Category: f.Category, Country: f.Country, Hotel: f.Hotel, Visit: f.Visit, GNLC: f.GNLC, Payment: f.Payment}
	where, args := f.where()
	if f.Status == "" {
		if where == "" {
			where = " WHERE "
		} else {
			where += " AND "
		}
		where += sqlLive
	}
	return where, args
}

// CountRecipients counts the registrations a campaign with filter f
// reaches: by status, or every live one, from the tallies the triggers
// keep (the same at 100,000 as at 100); by anything else, from the list.
func (db *DB) CountRecipients(ctx context.Context, f Filter) (int, error) {
	if f.Category == "" && f.Country == "" && f.Hotel == "" && f.Visit == "" && f.GNLC == "" && f.Payment == "" {
		statuses := []string{f.Status}
		if f.Status == "" {
			statuses = []string{StatusPending, StatusApproved, StatusWaitlisted}
		}
		total := 0
		for _, st := range statuses {
			n, err := tally(ctx, db.read, "status", st)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}
	where, args := recipientsWhere(f)
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM registrations"+where, args...).Scan(&n)
	return n, err
}

// FirstRecipients are the first recipient in each language of a campaign
// with filter f, for its preview.
func (db *DB) FirstRecipients(ctx context.Context, f Filter) (map[string]Registration, error) {
	out := map[string]Registration{}
	where, args := recipientsWhere(f)
	for _, lang := range Languages {
		rows, err := db.read.QueryContext(ctx, "SELECT "+registrationColumns+" FROM registrations"+where+
			" AND language = ? ORDER BY id LIMIT 1", append(args, lang)...)
		list, err := collect(rows, err, scanListed)
		if err != nil {
			return nil, err
		}
		if len(list) > 0 {
			out[lang] = list[0]
		}
	}
	return out, nil
}

// SendCampaign writes the organisers' message for every recipient of f
// into the outbox and returns the campaign and how many messages were
// queued. The campaign is written first; its messages follow in chunks
// of Options.CampaignChunk, each a transaction of its own, so that
// registrations and check-ins go on between them. A chunk is a row per
// recipient without bodies: the mail worker composes each message from the
// campaign, in the delegate's language, when it sends it. Should the
// server stop halfway, ResumeCampaigns queues the rest, each delegate
// once (outbox_campaign_once).
func (db *DB) SendCampaign(ctx context.Context, actor Actor, f Filter, texts map[string]MessageText) (Campaign, int, error) {
	if err := ValidateTexts(texts); err != nil {
		return Campaign{}, 0, err
	}
	n, err := db.CountRecipients(ctx, f)
	if err != nil {
		return Campaign{}, 0, err
	}
	if n == 0 {
		return Campaign{}, 0, &ConflictError{Reason: "no_recipients"}
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
		return db.audit(ctx, tx, actor, "mail.campaign", 0, map[string]any{"campaign": c.ID,
			"recipients": n, "subject": texts["en"].Subject})
	})
	if err != nil {
		return Campaign{}, 0, err
	}
	c.Finished, err = db.queueSoon(ctx, c)
	return c, n, err
}

// queueSoon queues campaign c's first chunk before it returns (a list
// that short is then all queued, and it reports it finished) and the rest
// in the background: the organiser waits the same for 100,000 as for 250.
// A stop halfway is finished at the next start by ResumeCampaigns.
func (db *DB) queueSoon(ctx context.Context, c Campaign) (finished bool, err error) {
	first, err := db.queueChunk(ctx, &c)
	if err != nil {
		return false, err
	}
	if first < db.campaignChunk {
		_, err = db.queueChunk(ctx, &c)
		return err == nil, err
	}
	if !db.background() {
		return false, nil // closing: the next start queues the rest
	}
	go func() {
		defer db.campaigns.Done()
		// an error leaves the campaign unfinished, to be resumed
		db.queueCampaign(context.Background(), c)
	}()
	return false, nil
}

// queueCampaign queues campaign c's messages for its recipients after
// registration c.next, a chunk a transaction, and returns how many. A
// campaign of new dates reissues each recipient's invitation letter in
// the chunk that queues their message, so that a stop halfway leaves no
// delegate told of a letter not yet issued.
func (db *DB) queueCampaign(ctx context.Context, c Campaign) (int, error) {
	total := 0
	for {
		n, err := db.queueChunk(ctx, &c)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// queueChunk queues the messages of the next chunk of campaign c's
// recipients in one transaction and moves c on; when none is left it
// marks the campaign finished and returns 0.
func (db *DB) queueChunk(ctx context.Context, c *Campaign) (int, error) {
	where, args := recipientsWhere(c.Filter)
	kind, s := cmp.Or(c.Kind, MailMessage), db.Settings()
	type recipient struct {
		id                    int64
		email, name, language string
		subject               string
		letter                bool // approved, with a letter asked for
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+registrationColumns+` FROM registrations`+where+
		" AND id > ? ORDER BY id LIMIT ?", append(slices.Clone(args), c.next, db.campaignChunk)...)
	chunk, err := collect(rows, err, func(row scanner) (recipient, error) {
		r, err := scanListed(row)
		if err != nil {
			return recipient{}, err
		}
		x := recipient{id: r.ID, email: r.Email, name: r.FullName(), language: r.Language,
			letter: r.Status == StatusApproved && r.InvitationLetter, subject: c.Texts[r.Language].Subject}
		if c.Kind != "" {
			e, err := db.composer.Compose(c.Kind, &r, &s)
			x.subject = e.Subject
			return x, err
		}
		return x, nil
	})
	if err != nil {
		return 0, err
	}
	err = db.bulkTx(ctx, func(tx *sql.Tx) error {
		now := formatTime(db.Now())
		if len(chunk) == 0 {
			_, err := tx.ExecContext(ctx, "UPDATE campaigns SET finished_at = ? WHERE id = ?", now, c.ID)
			return err
		}
		for _, r := range chunk {
			if c.Kind == MailDatesChanged && r.letter {
				if err := db.reissueLetter(ctx, tx, r.id, &s); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (registration_id, kind, to_addr, to_name, language,
				subject, body_text, body_html, next_attempt_at, created_at, campaign_id) VALUES (?, ?, ?, ?, ?, ?, '', '', ?, ?, ?)
				ON CONFLICT DO NOTHING`,
				r.id, kind, r.email, r.name, r.language, r.subject, now, now, c.ID); err != nil {
				return fmt.Errorf("queue campaign message: %w", err)
			}
		}
		c.next = chunk[len(chunk)-1].id
		_, err := tx.ExecContext(ctx, "UPDATE campaigns SET next_id = ? WHERE id = ?", c.next, c.ID)
		return err
	})
	if err != nil {
		return 0, err
	}
	if len(chunk) > 0 {
		db.signalQueued()
	}
	return len(chunk), nil
}

// ResumeCampaigns queues the rest of every campaign a stop interrupted.
func (db *DB) ResumeCampaigns(ctx context.Context) error {
	rows, err := db.read.QueryContext(ctx, "SELECT id FROM campaigns WHERE finished_at IS NULL ORDER BY id")
	ids, err := collect(rows, err, func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		c, err := db.FindCampaign(ctx, id)
		if err == nil {
			_, err = db.queueCampaign(ctx, c)
		}
		if err != nil {
			return fmt.Errorf("resume campaign %d: %w", id, err)
		}
	}
	return nil
}

// campaignBody composes campaign message m for its delegate as they are
// now, in their language, with the private link's placeholder.
func (db *DB) campaignBody(ctx context.Context, m *OutboxMessage) error {
	c, err := db.FindCampaign(ctx, m.CampaignID)
	if err != nil {
		return err
	}
	r, err := scanListed(db.read.QueryRowContext(ctx, "SELECT "+registrationColumns+" FROM registrations WHERE id = ?", m.RegistrationID))
	if err != nil {
		return notFound(err)
	}
	s := db.Settings()
	var e Email
	if c.Kind != "" {
		e, err = db.composer.Compose(c.Kind, &r, &s)
	} else {
		t := c.Texts[r.Language]
		e, err = db.composer.ComposeMessage(&r, &s, t.Subject, t.Body)
	}
	if err != nil {
		return err
	}
	m.Email.Subject, m.Email.Text, m.Email.HTML = e.Subject, e.Text, e.HTML
	return nil
}

// FindCampaign returns a campaign.
func (db *DB) FindCampaign(ctx context.Context, id int64) (Campaign, error) {
	var c Campaign
	var filter, texts, created string
	err := db.read.QueryRowContext(ctx, "SELECT id, author, filter, texts, created_at, next_id, kind, finished_at IS NOT NULL FROM campaigns WHERE id = ?", id).
		Scan(&c.ID, &c.Author, &filter, &texts, &created, &c.next, &c.Kind, &c.Finished)
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
