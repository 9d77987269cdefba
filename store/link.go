package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// linkEvery is how often one address may be sent its private link.
const linkEvery = 10 * time.Minute

// SendLink queues the private link of the live registration with email to
// that address, and only there. It says nothing of whether the address
// is known: an unknown one, or one sent its link in the last ten minutes,
// is quietly passed over.
func (db *DB) SendLink(ctx context.Context, actor Actor, email string) error {
	queued := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		var reference string
		err = tx.QueryRowContext(ctx, "SELECT reference FROM registrations WHERE email_key = ? AND "+sqlLive,
			EmailKey(email)).Scan(&reference)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		r, err := db.findForUpdate(ctx, tx, reference)
		if err != nil {
			return err
		}
		var recent int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM outbox WHERE registration_id = ? AND kind = ? AND created_at > ?",
			r.ID, MailLink, formatTime(db.Now().Add(-linkEvery))).Scan(&recent); err != nil || recent > 0 {
			return err
		}
		if err := db.audit(ctx, tx, actor, "registration.link_sent", r.ID, nil); err != nil {
			return err
		}
		queued = true
		return db.queue(ctx, tx, MailLink, &r, s)
	})
	if queued {
		db.signalQueued()
	}
	return err
}
