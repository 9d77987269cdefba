package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// dummyHash is compared against when no account matches, so that a wrong
// email takes as long to refuse as a wrong password. It is made at the
// first such login, at the cost of real hashes, not at every start.
func (db *DB) dummyHash() []byte {
	db.dummyOnce.Do(func() {
		db.dummy, _ = bcrypt.GenerateFromPassword([]byte("no such organiser here"), db.passwordCost)
	})
	return db.dummy
}

// Authenticate returns the enabled organiser with email and password. Any
// mismatch is ErrNotFound, whichever of the two was wrong.
func (db *DB) Authenticate(ctx context.Context, email, password string) (User, error) {
	var hash string
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE email = ?",
		strings.TrimSpace(email)), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		bcrypt.CompareHashAndPassword(db.dummyHash(), []byte(password))
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || u.Disabled {
		return User{}, ErrNotFound
	}
	return u, nil
}

// FindUser returns the organiser with id.
func (db *DB) FindUser(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// FindUsers lists every organiser by email.
func (db *DB) FindUsers(ctx context.Context) ([]User, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY email")
	return collect(rows, err, func(r scanner) (User, error) { return scanUser(r) })
}

// UpdateUser changes an organiser's role and whether the account is
// disabled. The last enabled admin cannot lose the role or be disabled.
func (db *DB) UpdateUser(ctx context.Context, actor Actor, id int64, role string, disabled bool) (User, error) {
	if !slices.Contains(Roles, role) {
		return User{}, &ValidationError{Fields: map[string]Message{"role": {Key: "error.choice"}}}
	}
	var u User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var old User
		err := tx.QueryRowContext(ctx, "SELECT id, email, role, disabled FROM users WHERE id = ?", id).
			Scan(&old.ID, &old.Email, &old.Role, &old.Disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if old.Role == "admin" && !old.Disabled && (role != "admin" || disabled) {
			var admins int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled").Scan(&admins); err != nil {
				return err
			}
			if admins <= 1 {
				return &ConflictError{Reason: "last_admin"}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, disabled = ?, updated_at = ?,
			session_epoch = session_epoch + (role <> ? OR disabled <> ?) WHERE id = ?`,
			role, disabled, formatTime(db.Now()), role, disabled, id); err != nil {
			return err
		}
		u = User{ID: id, Email: old.Email, Role: role, Disabled: disabled}
		return db.audit(ctx, tx, actor, "user.update", 0, map[string]any{"email": old.Email,
			"role": []string{old.Role, role}, "disabled": []bool{old.Disabled, disabled}})
	})
	return u, err
}

// SetPassword gives an organiser a new password.
func (db *DB) SetPassword(ctx context.Context, actor Actor, id int64, password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return &ValidationError{Fields: map[string]Message{"password": {Key: "error.password_short", Args: []any{MinPasswordLength}}}}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), db.passwordCost)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ?,
			session_epoch = session_epoch + 1 WHERE id = ?`, string(hash), formatTime(db.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return db.audit(ctx, tx, actor, "user.password", 0, map[string]any{"user_id": id})
	})
}

// FindTokens lists the API tokens, newest first.
func (db *DB) FindTokens(ctx context.Context) ([]APIToken, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY id DESC")
	return collect(rows, err, scanToken)
}

// RevokeToken ends an API token.
func (db *DB) RevokeToken(ctx context.Context, actor Actor, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, "SELECT name FROM api_tokens WHERE id = ? AND revoked_at IS NULL", id).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", formatTime(db.Now()), id); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "token.revoke", 0, map[string]any{"name": name})
	})
}

// SetupTTL is how long a first-start setup link works.
const SetupTTL = 24 * time.Hour

// CreateSetupToken makes a one-time link secret for creating the first
// admin, valid for SetupTTL.
func (db *DB) CreateSetupToken(ctx context.Context) (string, error) {
	secret, hash := NewToken()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO setup_tokens (token_hash, expires_at) VALUES (?, ?)",
			hash, formatTime(db.Now().Add(SetupTTL)))
		return err
	})
	return secret, err
}

// SetupTokenValid reports whether secret is an unused, unexpired setup link
// and no organiser exists yet.
func (db *DB) SetupTokenValid(ctx context.Context, secret string) bool {
	var n int
	db.read.QueryRowContext(ctx, `SELECT count(*) FROM setup_tokens WHERE token_hash = ? AND used_at IS NULL
		AND expires_at > ? AND NOT EXISTS (SELECT 1 FROM users)`, HashToken(secret), formatTime(db.Now())).Scan(&n)
	return n == 1
}

// CompleteSetup uses the setup link secret to create the first admin.
func (db *DB) CompleteSetup(ctx context.Context, actor Actor, secret, email, password string) (User, error) {
	if !db.SetupTokenValid(ctx, secret) {
		return User{}, ErrNotFound
	}
	email, hash, err := db.checkUser(email, password, "admin")
	if err != nil {
		return User{}, err
	}
	// the link is used, and the admin made, in one write: of two posts at
	// once, the second finds it used
	var u User
	err = db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(db.Now())
		res, err := tx.ExecContext(ctx, `UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL
			AND expires_at > ? AND NOT EXISTS (SELECT 1 FROM users)`, now, HashToken(secret), now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		u, err = db.saveUser(ctx, tx, actor, email, hash, "admin")
		return err
	})
	return u, err
}
