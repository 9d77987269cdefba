package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// AccessCode unlocks a restricted category for those who hold it.
type AccessCode struct {
	ID        int64
	Code      string
	Category  string
	MaxUses   int    // 1: single use; 0: no limit
	Uses      int    // registrations made with it
	ExpiresOn string // YYYY-MM-DD, inclusive, venue time; "" for never
	Note      string // who it is for
	CreatedBy string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Usable reports whether the code unlocks its category at now under s.
func (a AccessCode) Usable(s *Settings, now time.Time) bool {
	return a.RevokedAt == nil && (a.MaxUses == 0 || a.Uses < a.MaxUses) &&
		(a.ExpiresOn == "" || now.In(s.Location()).Format(DateLayout) <= a.ExpiresOn)
}

// NewAccessCode is what an organiser asks for.
type NewAccessCode struct {
	Code      string // empty: one is made up
	Category  string
	MaxUses   int
	ExpiresOn string
	Note      string
}

var accessCodePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{3,31}$`)

// NormalAccessCode is a code as stored: upper case, trimmed.
func NormalAccessCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// CreateAccessCode makes a code for a restricted category.
func (db *DB) CreateAccessCode(ctx context.Context, actor Actor, n NewAccessCode) (AccessCode, error) {
	s := db.Settings()
	n.Code = NormalAccessCode(n.Code)
	if n.Code == "" {
		n.Code = randomAccessCode()
	}
	v := &ValidationError{}
	if !accessCodePattern.MatchString(n.Code) {
		v.Add("code", "error.access_code_format")
	}
	if cat, ok := s.Category(n.Category); !ok || !cat.Restricted {
		v.Add("category", "error.choice")
	}
	if n.MaxUses < 0 {
		v.Add("max_uses", "error.not_negative")
	}
	if n.ExpiresOn != "" {
		if _, err := ParseDate(n.ExpiresOn); err != nil {
			v.Add("expires_on", "error.date")
		}
	}
	text(v, "note", strings.TrimSpace(n.Note), 200, false)
	if err := v.Err(); err != nil {
		return AccessCode{}, err
	}
	a := AccessCode{Code: n.Code, Category: n.Category, MaxUses: n.MaxUses, ExpiresOn: n.ExpiresOn,
		Note: strings.TrimSpace(n.Note), CreatedBy: actor.String(), CreatedAt: db.Now()}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO access_codes (code, category, max_uses, expires_on, note, created_by,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, a.Code, a.Category, a.MaxUses, a.ExpiresOn, a.Note, a.CreatedBy,
			formatTime(a.CreatedAt))
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return &ValidationError{Fields: map[string]Message{"code": {Key: "error.access_code_taken"}}}
			}
			return fmt.Errorf("create access code: %w", err)
		}
		a.ID, _ = res.LastInsertId()
		return db.audit(ctx, tx, actor, "access_code.create", 0, map[string]any{"code": a.Code, "category": a.Category})
	})
	return a, err
}

// randomAccessCode is eight letters and digits a person can read out.
func randomAccessCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// RevokeAccessCode stops a code from unlocking anything more.
func (db *DB) RevokeAccessCode(ctx context.Context, actor Actor, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE access_codes SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
			formatTime(db.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return db.audit(ctx, tx, actor, "access_code.revoke", 0, map[string]any{"id": id})
	})
}

const accessCodeColumns = "id, code, category, max_uses, uses, expires_on, note, created_by, created_at, revoked_at"

func scanAccessCode(row scanner) (AccessCode, error) {
	var a AccessCode
	var created string
	var revoked sql.NullString
	err := row.Scan(&a.ID, &a.Code, &a.Category, &a.MaxUses, &a.Uses, &a.ExpiresOn, &a.Note, &a.CreatedBy, &created, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	a.CreatedAt, a.RevokedAt = parseTime(created), parseTimeNull(revoked)
	return a, err
}

// FindAccessCodes lists every code, newest first.
func (db *DB) FindAccessCodes(ctx context.Context) ([]AccessCode, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+accessCodeColumns+" FROM access_codes ORDER BY id DESC")
	return collect(rows, err, scanAccessCode)
}

// FindAccessCode returns the code as typed, usable or not.
func (db *DB) FindAccessCode(ctx context.Context, code string) (AccessCode, error) {
	return scanAccessCode(db.read.QueryRowContext(ctx, "SELECT "+accessCodeColumns+" FROM access_codes WHERE code = ?",
		NormalAccessCode(code)))
}

// UnlockedCategory is the restricted category a code opens now, or "".
func (db *DB) UnlockedCategory(ctx context.Context, code string) string {
	if NormalAccessCode(code) == "" {
		return ""
	}
	a, err := db.FindAccessCode(ctx, code)
	s := db.Settings()
	if err != nil || !a.Usable(&s, db.Now()) {
		return ""
	}
	return a.Category
}

// checkAccess refuses a restricted category without a usable code for it,
// and counts the use, in tx. A code given for an open category changes
// nothing.
func (db *DB) checkAccess(ctx context.Context, tx *sql.Tx, v *ValidationError, s *Settings, d *Details, now time.Time) error {
	cat, ok := s.Category(d.Category)
	if !ok || !cat.Restricted {
		d.AccessCode = ""
		return nil
	}
	if d.AccessCode == "" {
		v.Add("category", "error.category_restricted")
		return nil
	}
	a, err := scanAccessCode(tx.QueryRowContext(ctx, "SELECT "+accessCodeColumns+" FROM access_codes WHERE code = ?", d.AccessCode))
	switch {
	case errors.Is(err, ErrNotFound), err == nil && (a.Category != d.Category || !a.Usable(s, now)):
		v.Add("category", "error.category_restricted")
		v.Add("access_code", "error.access_code")
		return nil
	case err != nil:
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE access_codes SET uses = uses + 1 WHERE id = ?", a.ID)
	return err
}
