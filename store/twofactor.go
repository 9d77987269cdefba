package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// A second factor: a TOTP app's six-digit code, or one of ten one-time
// recovery codes shown once at enrolment and kept only as hashes.

// TOTPEnrolment is a secret offered to an organiser, kept nowhere until
// they confirm it with a code from their app.
type TOTPEnrolment struct {
	Secret string // base32, for typing in
	URL    string // otpauth://, for the QR
}

// BeginTOTP makes a new secret for the organiser with email.
func (db *DB) BeginTOTP(email string) (TOTPEnrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "delegate", AccountName: email})
	if err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{Secret: key.Secret(), URL: key.URL()}, nil
}

func (db *DB) totpValid(secret, code string) bool {
	ok, _ := totp.ValidateCustom(strings.TrimSpace(code), secret, db.Now(),
		totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return ok
}

// EnableTOTP keeps secret as the organiser's second factor once code shows
// their app has it, and returns ten recovery codes to show once.
func (db *DB) EnableTOTP(ctx context.Context, actor Actor, userID int64, secret, code string) ([]string, error) {
	if !db.totpValid(secret, code) {
		return nil, &ValidationError{Fields: map[string]Message{"code": {Key: "error.totp_code"}}}
	}
	codes, hashes := recoveryCodes()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE users SET totp_sealed = ?, recovery_hashes = ? WHERE id = ?",
			seal(db.passportKey, []byte(secret), totpAD(userID)), hashes, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return db.audit(ctx, tx, actor, "user.2fa_enabled", 0, map[string]any{"user_id": userID})
	})
	return codes, err
}

// recoveryCodes makes ten one-time codes, and their hashes to keep.
func recoveryCodes() (codes []string, hashes string) {
	codes = make([]string, 10)
	h := make([]string, 10)
	for i := range codes {
		b := make([]byte, 5)
		rand.Read(b)
		codes[i] = strings.ToUpper(hex.EncodeToString(b))
		h[i] = hex.EncodeToString(HashToken(codes[i]))
	}
	return codes, strings.Join(h, ",")
}

// totpAD binds a sealed secret to its organiser.
func totpAD(userID int64) []byte { return []byte("totp:" + strconv.FormatInt(userID, 10)) }

// CheckSecondFactor checks a code from the organiser's app, or one of their
// recovery codes, which is then used up. Failures are in the audit log.
func (db *DB) CheckSecondFactor(ctx context.Context, actor Actor, userID int64, code string) (bool, error) {
	ok := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var sealed []byte
		var recovery string
		err := tx.QueryRowContext(ctx, "SELECT totp_sealed, recovery_hashes FROM users WHERE id = ?", userID).Scan(&sealed, &recovery)
		if err != nil {
			return notFound(err)
		}
		// an organiser with passkeys alone has recovery codes but no app
		var secret []byte
		if len(sealed) > 0 {
			if secret, err = open(db.passportKey, sealed, totpAD(userID)); err != nil {
				return err
			}
		}
		code = strings.ToUpper(strings.TrimSpace(strings.ReplaceAll(code, " ", "")))
		if secret != nil && db.totpValid(string(secret), code) {
			ok = true
		} else if code != "" {
			want := hex.EncodeToString(HashToken(code))
			hashes := splitList(recovery)
			for i, h := range hashes {
				if subtle.ConstantTimeCompare([]byte(h), []byte(want)) == 1 {
					ok = true
					hashes = append(hashes[:i], hashes[i+1:]...)
					if _, err := tx.ExecContext(ctx, "UPDATE users SET recovery_hashes = ? WHERE id = ?",
						strings.Join(hashes, ","), userID); err != nil {
						return err
					}
					break
				}
			}
		}
		action := "user.2fa_ok"
		if !ok {
			action = "user.2fa_failed"
		}
		return db.audit(ctx, tx, actor, action, 0, map[string]any{"user_id": userID})
	})
	return ok, err
}

// ResetSecondFactor removes an organiser's second factors, app and
// passkeys (a lost phone or key), and ends their sessions.
func (db *DB) ResetSecondFactor(ctx context.Context, actor Actor, email string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_sealed = NULL, recovery_hashes = '',
			session_epoch = session_epoch + 1 WHERE email = ?`, strings.TrimSpace(email))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM passkeys WHERE user_id = (SELECT id FROM users WHERE email = ?)",
			strings.TrimSpace(email)); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "user.2fa_reset", 0, map[string]any{"email": email})
	})
}
