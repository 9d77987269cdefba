package store

// Erasure: a delegate's personal data erased everywhere it is held, on
// their request (at once while their registration never got past pending,
// else once an organiser confirms) or when retention says so. What stays
// is what the counts, the serial register and the accounts need: the
// reference, status, category, country and language; payments and
// invoices as the law keeps them; the fact of each change, not its values.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
)

// erasedColumns blank a registration's personal data; the reference,
// status, category, country, language, fee and payment state stay.
const erasedColumns = `title = '', given_names = '', family_name = '', badge_name = '', email = '', email_key = '',
	phone = '', organisation = '', job_title = '', city = '', city_key = '', gnlc = '', nationality = '',
	arrival_date = '', departure_date = '', arrival_flight = '', departure_flight = '', airport_transfer = 0,
	hotel = '', dietary = '', dietary_notes = '', accessibility = '', study_visit = '', passport_sealed = NULL,
	passport_family_name = '', passport_given_names = '', token_sealed = x'', status_reason = '',
	letter_changes = '', letter_reason = '', search = '', list_opt_out = 1, offer_until = NULL`

// RequestErasure records that the delegate of reference asks for their
// data to be erased (by: "delegate", or the organiser who took the
// request). A registration that never got past pending (pending or
// waitlisted, nothing paid, no letter) is erased at once; done says so.
// Any other waits for an organiser to confirm it.
func (db *DB) RequestErasure(ctx context.Context, actor Actor, reference string) (done bool, err error) {
	_, err = db.changeRegistration(ctx, reference, func(tx *sql.Tx, s *Settings, r *Registration) error {
		if r.Erased != nil {
			return &ConflictError{Reason: "erased"}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE registrations SET erasure_requested_at = coalesce(erasure_requested_at, ?), erasure_requested_by = ? WHERE id = ?",
			formatTime(db.Now()), actor.String(), r.ID); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, "registration.erasure_requested", r.ID, nil); err != nil {
			return err
		}
		var paid, letters int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM payments WHERE registration_id = ?),
			(SELECT count(*) FROM letters WHERE registration_id = ?)`, r.ID, r.ID).Scan(&paid, &letters); err != nil {
			return err
		}
		if (r.Status == StatusPending || r.Status == StatusWaitlisted) && paid == 0 && letters == 0 && r.CheckedInAt == nil {
			done = true
			return db.erase(ctx, tx, s, actor, r)
		}
		return nil
	})
	if err == nil && done {
		db.afterErasure(ctx)
	}
	return done, err
}

// ErasureRequests lists the requests that wait for an organiser, oldest
// first.
func (db *DB) ErasureRequests(ctx context.Context) ([]Registration, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+registrationColumns+` FROM registrations
		WHERE erasure_requested_at IS NOT NULL AND erased_at IS NULL ORDER BY erasure_requested_at`)
	return collect(rows, err, scanListed)
}

// Erase erases the personal data of the registration of reference now:
// an organiser confirming a request.
func (db *DB) Erase(ctx context.Context, actor Actor, reference string) error {
	err := db.eraseOne(ctx, actor, reference)
	if err == nil {
		db.afterErasure(ctx)
	}
	return err
}

// eraseOne is the transaction of one erasure, without afterErasure (which
// retention runs once for many).
func (db *DB) eraseOne(ctx context.Context, actor Actor, reference string) error {
	_, err := db.changeRegistration(ctx, reference, func(tx *sql.Tx, s *Settings, r *Registration) error {
		if r.Erased != nil {
			return &ConflictError{Reason: "erased"}
		}
		return db.erase(ctx, tx, s, actor, r)
	})
	return err
}

// erase is the erasure of r in tx: a live registration is cancelled first
// (its place goes to the waiting list, without a message: the address is
// about to go), then every personal value is blanked or deleted.
func (db *DB) erase(ctx context.Context, tx *sql.Tx, s *Settings, actor Actor, r *Registration) error {
	now := db.Now()
	wasLive := r.Live()
	if wasLive {
		if err := db.setStatus(ctx, tx, r, StatusCancelled, ""); err != nil {
			return err
		}
		if _, err := db.syncLetter(ctx, tx, r, s, false); err != nil {
			return err
		}
		if _, err := db.promote(ctx, tx, s, actor); err != nil {
			return err
		}
	}
	token := make([]byte, 32)
	rand.Read(token) // no link opens the registration again
	stmts := []struct {
		q    string
		args []any
	}{
		{"UPDATE registrations SET " + erasedColumns + ", token_hash = ?, erased_at = ?, updated_at = ? WHERE id = ?",
			[]any{token, formatTime(now), formatTime(now), r.ID}},
		{"DELETE FROM registrations_search WHERE docid = ?", []any{r.ID}},
		// messages: the fact stays (kind, status, times), not the text or the address
		{blankOutbox + " WHERE registration_id = ?", []any{r.ID}},
		{"DELETE FROM notes WHERE registration_id = ?", []any{r.ID}},
		{"DELETE FROM photos WHERE registration_id = ?", []any{r.ID}},
		{"DELETE FROM consents WHERE registration_id = ?", []any{r.ID}},
		// letters and certificates keep their serials, which then verify as withdrawn
		{"UPDATE letters SET name = '', nationality = '', superseded_at = coalesce(superseded_at, ?) WHERE registration_id = ?", []any{formatTime(now), r.ID}},
		{"UPDATE certificates SET name = '', revoked_at = coalesce(revoked_at, ?) WHERE registration_id = ?", []any{formatTime(now), r.ID}},
		// a city's tally of nobody would keep the city's name
		{"DELETE FROM tallies WHERE dim = 'city' AND n = 0", nil},
		// webhooks told of the delegate keep the fact, not the payload
		{`UPDATE webhook_deliveries SET payload = '', answer = '', status = CASE status WHEN 'queued' THEN 'failed' ELSE status END,
			last_error = 'erased' WHERE registration_id = ?`, []any{r.ID}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("erase %s: %w", r.Reference, err)
		}
	}
	if err := eraseAuditValues(ctx, tx, r.ID); err != nil {
		return err
	}
	if wasLive { // other systems still hear of the cancellation, from the erased row
		erased, err := db.findForUpdate(ctx, tx, r.Reference)
		if err != nil {
			return err
		}
		if err := db.emit(ctx, tx, HookCancelled, &erased); err != nil {
			return err
		}
	}
	return db.audit(ctx, tx, actor, "registration.erased", r.ID, nil)
}

// blankOutbox keeps the fact of the messages it is given (kind, status,
// times), not their text or address; one still queued is not sent.
const blankOutbox = `UPDATE outbox SET to_addr = '', to_name = '', subject = '', body_text = '', body_html = '', last_error = 'erased',
	status = CASE status WHEN 'queued' THEN 'failed' ELSE status END`

// eraseAuditValues keeps the fact of each change to registration id and
// which fields it touched, without their values or the address it came
// from.
func eraseAuditValues(ctx context.Context, tx *sql.Tx, id int64) error {
	if err := eraseAuditKeys(ctx, tx, "registration_id = ?", []any{id}); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "UPDATE audit SET address = '' WHERE registration_id = ?", id)
	return err
}

// eraseAuditKeys replaces with "erased" the values of keys (every key
// when none are named) in the details of the audit entries where, with
// args, selects.
func eraseAuditKeys(ctx context.Context, tx *sql.Tx, where string, args []any, keys ...string) error {
	rows, err := tx.QueryContext(ctx, "SELECT id, detail FROM audit WHERE "+where+" AND detail <> ''", args...)
	if err != nil {
		return err
	}
	type entry struct {
		id     int64
		detail string
	}
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.detail); err != nil {
			rows.Close()
			return err
		}
		entries = append(entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range entries {
		var detail map[string]any
		json.Unmarshal([]byte(e.detail), &detail)
		changed := false
		for k := range detail {
			if len(keys) == 0 || slices.Contains(keys, k) {
				detail[k], changed = "erased", true
			}
		}
		if !changed {
			continue
		}
		b, _ := json.Marshal(detail)
		if _, err := tx.ExecContext(ctx, "UPDATE audit SET detail = ? WHERE id = ?", string(b), e.id); err != nil {
			return err
		}
	}
	return nil
}

// afterErasure rewrites the search index without the erased documents'
// words and empties the write-ahead log, so that no old copy of an erased
// page stays in either; secure_delete has zeroed the freed pages.
func (db *DB) afterErasure(ctx context.Context) {
	db.write.ExecContext(ctx, "INSERT INTO registrations_search (registrations_search) VALUES ('optimize')")
	db.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
}
