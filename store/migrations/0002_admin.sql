-- Organiser sessions (server-side; the cookie holds only the token).
CREATE TABLE sessions (
	token  TEXT PRIMARY KEY,
	data   BLOB NOT NULL,
	expiry TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- One-time links that create the first admin.
CREATE TABLE setup_tokens (
	token_hash BLOB PRIMARY KEY,
	expires_at TEXT NOT NULL,
	used_at    TEXT
);

-- Organisers' internal notes on a registration; never shown to the delegate.
CREATE TABLE notes (
	id              INTEGER PRIMARY KEY,
	registration_id INTEGER NOT NULL REFERENCES registrations (id),
	author          TEXT NOT NULL,
	body            TEXT NOT NULL,
	created_at      TEXT NOT NULL
);
CREATE INDEX notes_registration ON notes (registration_id);
CREATE INDEX audit_action ON audit (action);
