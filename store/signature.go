package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"image/png"
)

// MaxSignatureBytes is the largest signature image accepted.
const MaxSignatureBytes = 48 << 10

// SetSignature keeps the signatory's signature, printed on every letter
// and certificate. It must be a PNG (checked by its content, not its
// name), at most MaxSignatureBytes and 2,000 pixels a side; nil removes
// it.
func (db *DB) SetSignature(ctx context.Context, actor Actor, image []byte) error {
	if image != nil {
		v := &ValidationError{}
		cfg, err := png.DecodeConfig(bytes.NewReader(image))
		switch {
		case len(image) > MaxSignatureBytes:
			v.Add("signature", "error.signature_size", MaxSignatureBytes>>10)
		case err != nil:
			v.Add("signature", "error.signature_png")
		case cfg.Width > 2000 || cfg.Height > 2000 || cfg.Width < 20 || cfg.Height < 10:
			v.Add("signature", "error.signature_dimensions")
		}
		if err == nil && len(image) <= MaxSignatureBytes {
			// the whole image, not only its header, must decode
			if _, err := png.Decode(bytes.NewReader(image)); err != nil {
				v.Add("signature", "error.signature_png")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if image == nil {
			_, err = tx.ExecContext(ctx, "DELETE FROM assets WHERE name = 'signature'")
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO assets (name, data, updated_at) VALUES ('signature', ?, ?)
				ON CONFLICT (name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
				image, formatTime(db.Now()))
		}
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "settings.signature", 0, map[string]any{"bytes": len(image)})
	})
}

// Signature is the signatory's signature as a PNG, or nil when none is
// set.
func (db *DB) Signature(ctx context.Context) ([]byte, error) {
	var data []byte
	err := db.read.QueryRowContext(ctx, "SELECT data FROM assets WHERE name = 'signature'").Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return data, err
}
