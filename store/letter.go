package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Letter is one issue of a visa invitation letter.
type Letter struct {
	ID             int64
	RegistrationID int64
	Serial         string
	Name           string // as printed
	Nationality    string
	StartDate      string // the conference dates printed
	EndDate        string
	IssuedAt       time.Time
	SupersededAt   *time.Time
}

// Valid reports whether the letter is the current one.
func (l Letter) Valid() bool { return l.SupersededAt == nil }

// LetterDue reports whether r should have a letter now: approved, asked
// for one, and any fee paid or waived.
func LetterDue(r *Registration) bool {
	return r.Status == StatusApproved && r.InvitationLetter &&
		(r.PaymentStatus == PaymentNotRequired || r.PaymentStatus == PaymentPaid || r.PaymentStatus == PaymentWaived)
}

// letterName is the name a letter prints: the one typed, as in the
// passport.
func letterName(r *Registration) string { return r.FullName() }

const letterColumns = "id, registration_id, serial, name, nationality, start_date, end_date, issued_at, superseded_at"

func scanLetter(row scanner) (Letter, error) {
	var l Letter
	var issued string
	var superseded sql.NullString
	err := row.Scan(&l.ID, &l.RegistrationID, &l.Serial, &l.Name, &l.Nationality, &l.StartDate, &l.EndDate, &issued, &superseded)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	l.IssuedAt = parseTime(issued)
	l.SupersededAt = parseTimeNull(superseded)
	return l, err
}

// CurrentLetter returns a registration's valid letter.
func (db *DB) CurrentLetter(ctx context.Context, registrationID int64) (Letter, error) {
	return scanLetter(db.read.QueryRowContext(ctx, "SELECT "+letterColumns+
		" FROM letters WHERE registration_id = ? AND superseded_at IS NULL", registrationID))
}

// VerifyLetter returns the letter a verify code names; a forged code is
// ErrNotFound.
func (db *DB) VerifyLetter(ctx context.Context, code string) (Letter, string, error) {
	serial, ok := db.parseLetterCode(code)
	if !ok {
		return Letter{}, "", ErrNotFound
	}
	var reference string
	l, err := scanLetter(db.read.QueryRowContext(ctx, "SELECT "+letterColumns+" FROM letters WHERE serial = ?", serial))
	if err == nil {
		err = db.read.QueryRowContext(ctx, "SELECT reference FROM registrations WHERE id = ?", l.RegistrationID).Scan(&reference)
	}
	return l, reference, err
}

// syncAndTell is syncLetter that tells the delegate when a letter is
// issued.
func (db *DB) syncAndTell(ctx context.Context, tx *sql.Tx, r *Registration, s *Settings, force bool) error {
	issued, err := db.syncLetter(ctx, tx, r, s, force)
	if err != nil || !issued {
		return err
	}
	return db.queue(ctx, tx, MailLetterReady, r, s)
}

// syncLetter makes the letters of r match what it is due, inside a change's
// transaction: it issues one when due and none is valid, reissues when the
// printed facts changed (force), and supersedes one no longer due. It
// returns whether a new letter was issued.
func (db *DB) syncLetter(ctx context.Context, tx *sql.Tx, r *Registration, s *Settings, force bool) (bool, error) {
	cur, err := scanLetter(tx.QueryRowContext(ctx, "SELECT "+letterColumns+
		" FROM letters WHERE registration_id = ? AND superseded_at IS NULL", r.ID))
	has := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return false, err
	}
	due := LetterDue(r)
	stale := has && (force || cur.Name != letterName(r) || cur.Nationality != r.Nationality ||
		cur.StartDate != s.StartDate || cur.EndDate != s.EndDate)
	now := formatTime(db.Now())
	if has && (!due || stale) {
		if _, err := tx.ExecContext(ctx, "UPDATE letters SET superseded_at = ? WHERE id = ?", now, cur.ID); err != nil {
			return false, err
		}
	}
	if !due || (has && !stale) {
		return false, nil
	}
	var next int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM letters").Scan(&next); err != nil {
		return false, err
	}
	serial := fmt.Sprintf("L%06d", next)
	if _, err := tx.ExecContext(ctx, `INSERT INTO letters (id, registration_id, serial, name, nationality, start_date,
		end_date, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, next, r.ID, serial, letterName(r), r.Nationality,
		s.StartDate, s.EndDate, now); err != nil {
		return false, fmt.Errorf("issue letter: %w", err)
	}
	return true, db.audit(ctx, tx, System, "registration.letter", r.ID, map[string]any{"serial": serial})
}

// FindLetters lists letters, newest first, with their registrations'
// references.
func (db *DB) FindLetters(ctx context.Context, limit int) ([]Letter, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+letterColumns+" FROM letters ORDER BY id DESC LIMIT ?", limit)
	return collect(rows, err, scanLetter)
}

// PurgePassports erases the passport data of every registration; letters
// keep the name and nationality they printed. It returns how many were
// erased.
func (db *DB) PurgePassports(ctx context.Context, actor Actor) (int, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE registrations SET passport_sealed = NULL WHERE passport_sealed IS NOT NULL")
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return db.audit(ctx, tx, actor, "passport.purge", 0, map[string]any{"count": n})
	})
	return int(n), err
}

// PurgeDue reports whether passport data kept for days after the
// conference should be erased at now.
func (s Settings) PurgeDue(days int, now time.Time) bool {
	return now.After(s.End().AddDate(0, 0, days+1))
}
