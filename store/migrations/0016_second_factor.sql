-- A second factor for organisers: a TOTP secret, sealed under the
-- installation key, and the hashes of one-time recovery codes.
ALTER TABLE users ADD COLUMN totp_sealed BLOB;
ALTER TABLE users ADD COLUMN recovery_hashes TEXT NOT NULL DEFAULT '';
