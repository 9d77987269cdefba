-- Visa invitation letters: each issue has its own serial; a reissue
-- supersedes the letter before it. Name and nationality are kept as they
-- were printed, for the verify page; the passport is not.
CREATE TABLE letters (
	id              INTEGER PRIMARY KEY,
	registration_id INTEGER NOT NULL REFERENCES registrations (id),
	serial          TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL,
	nationality     TEXT NOT NULL,
	start_date      TEXT NOT NULL,
	end_date        TEXT NOT NULL,
	issued_at       TEXT NOT NULL,
	superseded_at   TEXT
);
CREATE INDEX letters_registration ON letters (registration_id);
ALTER TABLE registrations ADD COLUMN badge_printed_at TEXT;
