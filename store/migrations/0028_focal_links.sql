-- A focal point signs in with a link emailed to them, good once and for
-- an hour. The token is kept hashed for the look-up and sealed for the
-- mail worker, which writes it into the message it sends (outbox_id).
CREATE TABLE focal_links (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL,
	email_key TEXT NOT NULL,
	token_hash BLOB NOT NULL UNIQUE,
	token_sealed BLOB NOT NULL,
	outbox_id INTEGER NOT NULL REFERENCES outbox (id),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at TEXT
);
CREATE INDEX focal_links_email ON focal_links (email_key, created_at);
CREATE INDEX focal_links_outbox ON focal_links (outbox_id);
