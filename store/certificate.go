package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Certificate is a certificate of participation.
type Certificate struct {
	ID             int64
	RegistrationID int64
	Serial         string
	Name           string
	Days           []string // the conference days attended, YYYY-MM-DD
	IssuedAt       time.Time
	RevokedAt      *time.Time
}

// Valid reports whether the certificate stands.
func (c Certificate) Valid() bool { return c.RevokedAt == nil }

const certificateColumns = "id, registration_id, serial, name, days, issued_at, revoked_at"

func scanCertificate(row scanner) (Certificate, error) {
	var c Certificate
	var days, issued string
	var revoked sql.NullString
	err := row.Scan(&c.ID, &c.RegistrationID, &c.Serial, &c.Name, &days, &issued, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	c.Days, c.IssuedAt, c.RevokedAt = splitList(days), parseTime(issued), parseTimeNull(revoked)
	return c, err
}

// CertificatesOpen reports whether certificates can be had at now: from
// the first conference day, venue time.
func (s Settings) CertificatesOpen(now time.Time) bool {
	return now.In(s.Location()).Format(DateLayout) >= s.StartDate
}

// Certificate returns r's certificate of participation, issuing it on the
// first request once the conference has begun and r has checked in. A
// revoked one is a conflict "certificate_revoked"; none can be had before
// the first day ("certificate_not_yet") or without a check-in
// ("not_checked_in").
func (db *DB) Certificate(ctx context.Context, r Registration) (Certificate, error) {
	c, err := scanCertificate(db.read.QueryRowContext(ctx, "SELECT "+certificateColumns+
		" FROM certificates WHERE registration_id = ?", r.ID))
	switch {
	case err == nil && !c.Valid():
		return c, &ConflictError{Reason: "certificate_revoked"}
	case err == nil:
		return c, nil
	case !errors.Is(err, ErrNotFound):
		return c, err
	}
	var issued []Certificate
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		issued, err = db.issueCertificates(ctx, tx, System, "AND r.id = ?", r.ID)
		return err
	})
	if err != nil {
		return Certificate{}, err
	}
	if len(issued) == 0 {
		if s := db.Settings(); !s.CertificatesOpen(db.Now()) {
			return Certificate{}, &ConflictError{Reason: "certificate_not_yet"}
		}
		return Certificate{}, &ConflictError{Reason: "not_checked_in"}
	}
	return issued[0], nil
}

// IssueCertificates issues a certificate to every delegate who checked in
// and has none yet, and returns how many.
func (db *DB) IssueCertificates(ctx context.Context, actor Actor) (int, error) {
	var n int
	err := db.tx(ctx, func(tx *sql.Tx) error {
		issued, err := db.issueCertificates(ctx, tx, actor, "")
		n = len(issued)
		return err
	})
	return n, err
}

// issueCertificates issues certificates in tx to the registrations that
// checked in on a conference day, have none yet and match the extra
// condition on r.
func (db *DB) issueCertificates(ctx context.Context, tx *sql.Tx, actor Actor, extra string, args ...any) ([]Certificate, error) {
	s, err := db.settingsIn(ctx, tx)
	if err != nil {
		return nil, err
	}
	if !s.CertificatesOpen(db.Now()) {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.given_names, r.family_name, r.badge_name, group_concat(DISTINCT k.day)
		FROM registrations r JOIN checkins k ON k.registration_id = r.id
		WHERE k.day BETWEEN ? AND ? AND r.status = 'approved' AND NOT EXISTS
			(SELECT 1 FROM certificates c WHERE c.registration_id = r.id) `+extra+`
		GROUP BY r.id ORDER BY r.id`, append([]any{s.StartDate, s.EndDate}, args...)...)
	type due struct {
		id                int64
		given, fam, badge string
		days              string
	}
	list, err := collect(rows, err, func(row scanner) (due, error) {
		var d due
		err := row.Scan(&d.id, &d.given, &d.fam, &d.badge, &d.days)
		return d, err
	})
	if err != nil {
		return nil, err
	}
	var out []Certificate
	now := db.Now()
	for _, d := range list {
		var next int64
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM certificates").Scan(&next); err != nil {
			return nil, err
		}
		days := splitList(d.days)
		slices.Sort(days)
		name := Details{GivenNames: d.given, FamilyName: d.fam}.FullName()
		if !Drawable(name) && d.badge != "" {
			name = d.badge + " · " + name // the Latin form first, then the name in its script
		}
		c := Certificate{ID: next, RegistrationID: d.id, Serial: fmt.Sprintf("C%06d", next),
			Name: name, Days: days, IssuedAt: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO certificates (id, registration_id, serial, name, days, issued_at)
			VALUES (?, ?, ?, ?, ?, ?)`, c.ID, c.RegistrationID, c.Serial, c.Name, strings.Join(days, ","), formatTime(now)); err != nil {
			return nil, fmt.Errorf("issue certificate: %w", err)
		}
		if err := db.audit(ctx, tx, actor, "registration.certificate", d.id, map[string]any{"serial": c.Serial}); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// RevokeCertificate withdraws a certificate; /verify says so.
func (db *DB) RevokeCertificate(ctx context.Context, actor Actor, serial string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, "UPDATE certificates SET revoked_at = ? WHERE serial = ? AND revoked_at IS NULL RETURNING registration_id",
			formatTime(db.Now()), strings.ToUpper(strings.TrimSpace(serial))).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "registration.certificate_revoked", id, map[string]any{"serial": serial})
	})
}

// FindCertificates lists certificates, newest first.
func (db *DB) FindCertificates(ctx context.Context, limit int) ([]Certificate, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+certificateColumns+" FROM certificates ORDER BY id DESC LIMIT ?", limit)
	return collect(rows, err, scanCertificate)
}

// Attended reports whether the registration was checked in on a day of
// the conference: what a certificate of participation stands for (a badge
// collected the evening before is not).
func (db *DB) Attended(ctx context.Context, registrationID int64) bool {
	s := db.Settings()
	var one int
	err := db.read.QueryRowContext(ctx, "SELECT 1 FROM checkins WHERE registration_id = ? AND day BETWEEN ? AND ? LIMIT 1",
		registrationID, s.StartDate, s.EndDate).Scan(&one)
	return err == nil
}

// CertificateRevoked reports whether r's certificate was revoked.
func (db *DB) CertificateRevoked(ctx context.Context, registrationID int64) bool {
	c, err := scanCertificate(db.read.QueryRowContext(ctx, "SELECT "+certificateColumns+
		" FROM certificates WHERE registration_id = ?", registrationID))
	return err == nil && !c.Valid()
}
