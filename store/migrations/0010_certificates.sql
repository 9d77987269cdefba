-- Certificates of participation, for delegates who checked in. Like
-- letters each has a serial that /verify checks; days are the conference
-- days the delegate was checked in, as printed.
CREATE TABLE certificates (
	id              INTEGER PRIMARY KEY,
	registration_id INTEGER NOT NULL UNIQUE REFERENCES registrations (id),
	serial          TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL,
	days            TEXT NOT NULL,
	issued_at       TEXT NOT NULL,
	revoked_at      TEXT
);
