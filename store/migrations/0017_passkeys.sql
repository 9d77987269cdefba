-- Passkeys (WebAuthn credentials) as an organiser's second factor. The
-- credential is kept as the relying-party library writes it (JSON: public
-- key, sign count, flags); credential_id is its WebAuthn id.
CREATE TABLE passkeys (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  credential_id BLOB NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  credential    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  used_at       TEXT
);
CREATE INDEX passkeys_user ON passkeys(user_id);
