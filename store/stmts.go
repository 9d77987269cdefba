package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// stmts are the statements of the registration hot path, prepared once on
// the write connection and reused by every transaction.
type stmts struct {
	insertRegistration *sql.Stmt
	insertOutbox       *sql.Stmt
	insertAudit        *sql.Stmt
	countHoldingPlaces *sql.Stmt
	countEmail         *sql.Stmt
	settingsVersion    *sql.Stmt
}

func (db *DB) prepare(ctx context.Context) error {
	var errs []error
	p := func(q string) *sql.Stmt {
		s, err := db.write.PrepareContext(ctx, q)
		if err != nil {
			errs = append(errs, fmt.Errorf("prepare %.40q: %w", q, err))
		}
		return s
	}
	db.stmts = stmts{
		insertRegistration: p(`INSERT INTO registrations (reference, token_hash, token_sealed, status,
			payment_status, fee_amount, fee_currency, title, given_names, family_name, badge_name, email,
			email_key, phone, organisation, job_title, city, country, gnlc, category, language,
			invitation_letter, nationality, passport_sealed, arrival_date, departure_date, arrival_flight,
			departure_flight, airport_transfer, hotel, dietary, dietary_notes, accessibility, study_visit,
			consent_privacy, consent_photo, access_code, passport_family_name, passport_given_names, search, created_at,
			updated_at, city_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		insertOutbox: p(`INSERT INTO outbox (registration_id, kind, to_addr, to_name, language,
			subject, body_text, body_html, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		insertAudit: p(`INSERT INTO audit (at, actor, address, action, registration_id, detail)
			VALUES (?, ?, ?, ?, ?, ?)`),
		countHoldingPlaces: p(sqlCountHoldingPlaces),
		countEmail: p(`SELECT count(*) FROM registrations WHERE email_key = ? AND id <> ?
			AND ` + sqlLive),
		settingsVersion: p("SELECT updated_at FROM settings WHERE id = 1"),
	}
	return errors.Join(errs...)
}
