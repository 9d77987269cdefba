package store

// The privacy notice in versions, and the consent each delegate gave.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Notice is a published version of the privacy notice.
type Notice struct {
	Version int
	// Body is the organisers' text in each language; empty in version 1,
	// the notice the service is built with (its text is the catalogs').
	Body        Text
	AskAgain    bool
	PublishedAt time.Time
	PublishedBy string
}

// BuiltIn reports whether the notice is the one the service is built with.
func (n Notice) BuiltIn() bool { return n.Body.En == "" && n.Body.Es == "" && n.Body.Fr == "" }

// Consent is a delegate's consent to a version of the notice.
type Consent struct {
	Version int       `json:"version"`
	At      time.Time `json:"at"`
	Address string    `json:"address"` // where it came from
	How     string    `json:"how"`     // form, api, private page…
}

// MaxNoticeChars is the most a notice's text may hold in one language.
const MaxNoticeChars = 20000

const noticeColumns = "version, body_en, body_es, body_fr, ask_again, published_at, published_by"

func scanNotice(row scanner) (Notice, error) {
	var n Notice
	var at string
	err := row.Scan(&n.Version, &n.Body.En, &n.Body.Es, &n.Body.Fr, &n.AskAgain, &at, &n.PublishedBy)
	if err == sql.ErrNoRows {
		return n, ErrNotFound
	}
	n.PublishedAt = parseTime(at)
	return n, err
}

// CurrentNotice is the latest version of the privacy notice.
func (db *DB) CurrentNotice(ctx context.Context) (Notice, error) {
	return scanNotice(db.read.QueryRowContext(ctx, "SELECT "+noticeColumns+" FROM privacy_notices ORDER BY version DESC LIMIT 1"))
}

// NoticeVersion is version v of the privacy notice.
func (db *DB) NoticeVersion(ctx context.Context, v int) (Notice, error) {
	return scanNotice(db.read.QueryRowContext(ctx, "SELECT "+noticeColumns+" FROM privacy_notices WHERE version = ?", v))
}

// Notices lists every version, newest first.
func (db *DB) Notices(ctx context.Context) ([]Notice, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+noticeColumns+" FROM privacy_notices ORDER BY version DESC")
	return collect(rows, err, scanNotice)
}

// PublishNotice publishes a new version of the privacy notice, its text in
// each language; askAgain asks every delegate who consented to an earlier
// version to accept it at their next visit.
func (db *DB) PublishNotice(ctx context.Context, actor Actor, body Text, askAgain bool) (Notice, error) {
	v := &ValidationError{}
	for lang, text := range map[string]*string{"en": &body.En, "es": &body.Es, "fr": &body.Fr} {
		*text = strings.TrimSpace(strings.ReplaceAll(*text, "\r\n", "\n"))
		switch n := utf8.RuneCountInString(*text); {
		case n == 0:
			v.Add("body."+lang, "error.required")
		case n > MaxNoticeChars:
			v.Add("body."+lang, "error.too_long", MaxNoticeChars)
		}
	}
	if err := v.Err(); err != nil {
		return Notice{}, err
	}
	var n Notice
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT max(version) + 1 FROM privacy_notices").Scan(&n.Version); err != nil {
			return err
		}
		n.Body, n.AskAgain, n.PublishedAt, n.PublishedBy = body, askAgain, db.Now(), actor.String()
		if _, err := tx.ExecContext(ctx, "INSERT INTO privacy_notices ("+noticeColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)",
			n.Version, body.En, body.Es, body.Fr, askAgain, formatTime(n.PublishedAt), n.PublishedBy); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "privacy.publish", 0, map[string]any{"version": n.Version, "ask_again": askAgain})
	})
	return n, err
}

// recordConsent writes registration id's consent to the current notice.
func recordConsent(ctx context.Context, tx *sql.Tx, id int64, at time.Time, actor Actor) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO consents (registration_id, version, at, address, how)
		SELECT ?, max(version), ?, ?, ? FROM privacy_notices`, id, formatTime(at), actor.Address, consentHow(actor))
	if err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	return nil
}

// consentHow names how a consent was given, by whom it came through.
func consentHow(a Actor) string {
	switch a.Kind {
	case "delegate":
		return "delegate"
	case "token":
		return "api"
	case "focal":
		return "focal point"
	case "system":
		return "system"
	}
	return "organiser"
}

// Consents lists registration id's consents, oldest first.
func (db *DB) Consents(ctx context.Context, id int64) ([]Consent, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT version, at, address, how FROM consents WHERE registration_id = ? ORDER BY id", id)
	return collect(rows, err, func(row scanner) (Consent, error) {
		var c Consent
		var at string
		err := row.Scan(&c.Version, &at, &c.Address, &c.How)
		c.At = parseTime(at)
		return c, err
	})
}

// NoticeToAccept is the version of the notice registration id is asked to
// accept at this visit: the latest, when a version published to be asked
// again came after the last one the delegate accepted. ok is false when
// nothing is asked.
func (db *DB) NoticeToAccept(ctx context.Context, id int64) (Notice, bool, error) {
	var asked, accepted int
	err := db.read.QueryRowContext(ctx, `SELECT coalesce((SELECT max(version) FROM privacy_notices WHERE ask_again), 0),
		coalesce((SELECT max(version) FROM consents WHERE registration_id = ?), 0)`, id).Scan(&asked, &accepted)
	if err != nil || asked <= accepted {
		return Notice{}, false, err
	}
	n, err := db.CurrentNotice(ctx)
	return n, err == nil, err
}

// AcceptNotice records the delegate of reference accepting the current
// notice.
func (db *DB) AcceptNotice(ctx context.Context, actor Actor, reference string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		r, err := db.findForUpdate(ctx, tx, reference)
		if err != nil {
			return err
		}
		if err := recordConsent(ctx, tx, r.ID, db.Now(), actor); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "registration.consent", r.ID, nil)
	})
}
