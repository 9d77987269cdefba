package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Roles, weakest first; each has the rights of those before it.
var Roles = []string{"viewer", "desk", "finance", "admin"}

// RoleAtLeast reports whether role has the rights of want.
func RoleAtLeast(role, want string) bool {
	i, j := slices.Index(Roles, role), slices.Index(Roles, want)
	return i >= 0 && j >= 0 && i >= j
}

// User is an organiser's account.
type User struct {
	ID        int64
	Email     string
	Role      string
	Disabled  bool
	CreatedAt time.Time
	// SessionEpoch grows with every change that must end the organiser's
	// sessions (password, role, disabling); a session keeps the epoch it
	// began in.
	SessionEpoch int64
	// SecondFactor is set once the organiser enrolled a TOTP app or a
	// passkey; TOTP and Passkeys say which.
	SecondFactor bool
	TOTP         bool
	Passkeys     int
}

// APIToken is a bearer token for the organiser API.
type APIToken struct {
	ID        int64
	Name      string
	Role      string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// SaveUser creates the organiser with email, or updates their role and
// password when they exist.
func (db *DB) SaveUser(ctx context.Context, actor Actor, email, password, role string) (User, error) {
	email, hash, err := db.checkUser(email, password, role)
	if err != nil {
		return User{}, err
	}
	var u User
	err = db.tx(ctx, func(tx *sql.Tx) error {
		u, err = db.saveUser(ctx, tx, actor, email, hash, role)
		return err
	})
	return u, err
}

// checkUser checks an organiser's email, password and role, and returns
// the email trimmed and the password's hash.
func (db *DB) checkUser(email, password, role string) (string, []byte, error) {
	email = strings.TrimSpace(email)
	v := &ValidationError{}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		v.Add("email", "error.email")
	}
	if !slices.Contains(Roles, role) {
		v.Add("role", "error.choice")
	}
	if len([]rune(password)) < MinPasswordLength {
		v.Add("password", "error.password_short", MinPasswordLength)
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), db.passwordCost)
	if err != nil {
		return "", nil, fmt.Errorf("hash password: %w", err)
	}
	return email, hash, nil
}

// saveUser writes an organiser in tx.
func (db *DB) saveUser(ctx context.Context, tx *sql.Tx, actor Actor, email string, hash []byte, role string) (User, error) {
	now := formatTime(db.Now())
	var u User
	err := tx.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, role, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash,
		role = excluded.role, disabled = 0, updated_at = excluded.updated_at, session_epoch = session_epoch + 1
		RETURNING id, email, role, disabled`, email, string(hash), role, now, now).
		Scan(&u.ID, &u.Email, &u.Role, &u.Disabled)
	if err != nil {
		return u, fmt.Errorf("save user: %w", err)
	}
	return u, db.audit(ctx, tx, actor, "user.save", 0, map[string]any{"email": u.Email, "role": role})
}

// CountUsers counts organiser accounts.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, err
}

// CreateToken makes a new API token with role and returns its secret, which
// is not stored and cannot be shown again.
func (db *DB) CreateToken(ctx context.Context, actor Actor, name, role string) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	v := &ValidationError{}
	if name == "" || len(name) > 100 {
		v.Add("name", "error.required")
	}
	if !slices.Contains(Roles, role) {
		v.Add("role", "error.choice")
	}
	if err := v.Err(); err != nil {
		return "", APIToken{}, err
	}
	secret, _ := NewToken()
	secret = "dlg_" + secret // recognisable in logs and secret scanners
	hash := HashToken(secret)
	t := APIToken{Name: name, Role: role, CreatedAt: db.Now()}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO api_tokens (name, token_hash, role, created_at) VALUES (?, ?, ?, ?)",
			name, hash, role, formatTime(t.CreatedAt))
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		t.ID, _ = res.LastInsertId()
		return db.audit(ctx, tx, actor, "token.create", 0, map[string]any{"name": name, "role": role})
	})
	return secret, t, err
}

// FindToken returns the live API token whose secret is secret.
func (db *DB) FindToken(ctx context.Context, secret string) (APIToken, error) {
	var t APIToken
	var created string
	err := db.read.QueryRowContext(ctx, `SELECT id, name, role, created_at FROM api_tokens
		WHERE token_hash = ? AND revoked_at IS NULL`, HashToken(secret)).Scan(&t.ID, &t.Name, &t.Role, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	t.CreatedAt = parseTime(created)
	return t, err
}

const userColumns = "id, email, role, disabled, created_at, session_epoch, totp_sealed IS NOT NULL, " +
	"(SELECT count(*) FROM passkeys WHERE user_id = users.id)"

// scanUser reads userColumns, then any extra columns into extra.
func scanUser(row scanner, extra ...any) (User, error) {
	var u User
	var created string
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.Role, &u.Disabled, &created, &u.SessionEpoch, &u.TOTP, &u.Passkeys}, extra...)...)
	u.SecondFactor = u.TOTP || u.Passkeys > 0
	u.CreatedAt = parseTime(created)
	return u, err
}

func scanToken(row scanner) (APIToken, error) {
	var t APIToken
	var created string
	var revoked sql.NullString
	err := row.Scan(&t.ID, &t.Name, &t.Role, &created, &revoked)
	t.CreatedAt = parseTime(created)
	t.RevokedAt = parseTimeNull(revoked)
	return t, err
}
