package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// Passkeys: WebAuthn credentials an organiser registers as a second
// factor that a phishing page cannot relay. The store keeps each
// credential as the relying-party code wrote it and knows nothing of
// WebAuthn itself.

// Passkey is one of an organiser's registered credentials.
type Passkey struct {
	ID           int64
	Name         string
	CredentialID []byte
	Credential   []byte // JSON from the WebAuthn library
	CreatedAt    time.Time
	UsedAt       *time.Time
}

// PasskeyHandle is the opaque WebAuthn user handle of an organiser: the
// same for every credential of theirs, and telling nothing of who they are.
func (db *DB) PasskeyHandle(userID int64) []byte {
	m := hmac.New(sha256.New, db.codeKey)
	m.Write([]byte("passkey-handle:" + strconv.FormatInt(userID, 10)))
	return m.Sum(nil)
}

// Passkeys lists the organiser's passkeys, oldest first.
func (db *DB) Passkeys(ctx context.Context, userID int64) ([]Passkey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, credential_id, credential, created_at, used_at
		FROM passkeys WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Passkey
	for rows.Next() {
		var p Passkey
		var created string
		var used sql.NullString
		if err := rows.Scan(&p.ID, &p.Name, &p.CredentialID, &p.Credential, &created, &used); err != nil {
			return nil, err
		}
		p.CreatedAt, p.UsedAt = parseTime(created), parseTimeNull(used)
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddPasskey keeps a credential the organiser just registered. An
// organiser who had no recovery codes yet gets ten, to show once.
func (db *DB) AddPasskey(ctx context.Context, actor Actor, userID int64, name string, credentialID, credential []byte) ([]string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		name = "Passkey"
	case len([]rune(name)) > 60 || strings.ContainsFunc(name, hidden):
		return nil, &ValidationError{Fields: map[string]Message{"name": {Key: "error.passkey_name"}}}
	}
	var codes []string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var recovery string
		if err := tx.QueryRowContext(ctx, "SELECT recovery_hashes FROM users WHERE id = ?", userID).Scan(&recovery); err != nil {
			return notFound(err)
		}
		if recovery == "" {
			var hashes string
			codes, hashes = recoveryCodes()
			if _, err := tx.ExecContext(ctx, "UPDATE users SET recovery_hashes = ? WHERE id = ?", hashes, userID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO passkeys (user_id, credential_id, name, credential, created_at)
			VALUES (?, ?, ?, ?, ?)`, userID, credentialID, name, string(credential), formatTime(db.Now())); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "user.passkey_added", 0, map[string]any{"user_id": userID, "name": name})
	})
	return codes, err
}

// PasskeyUsed records a sign-in with a passkey: its credential as updated
// (the sign count grows with every use) and the time.
func (db *DB) PasskeyUsed(ctx context.Context, actor Actor, userID int64, credentialID, credential []byte) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE passkeys SET credential = ?, used_at = ? WHERE user_id = ? AND credential_id = ?",
			string(credential), formatTime(db.Now()), userID, credentialID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return db.audit(ctx, tx, actor, "user.2fa_ok", 0, map[string]any{"user_id": userID, "method": "passkey"})
	})
}

// PasskeyFailed records a passkey that did not sign the organiser in.
func (db *DB) PasskeyFailed(ctx context.Context, actor Actor, userID int64, reason string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return db.audit(ctx, tx, actor, "user.2fa_failed", 0, map[string]any{"user_id": userID, "method": "passkey", "reason": reason})
	})
}

// RemovePasskey removes one of the organiser's passkeys.
func (db *DB) RemovePasskey(ctx context.Context, actor Actor, userID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, "DELETE FROM passkeys WHERE id = ? AND user_id = ? RETURNING name", id, userID).Scan(&name)
		if err != nil {
			return notFound(err)
		}
		return db.audit(ctx, tx, actor, "user.passkey_removed", 0, map[string]any{"user_id": userID, "name": name})
	})
}
