-- The conference settings: one row, a JSON document (names, dates, venue,
-- capacity, categories, hotels, study visits, signatory).
CREATE TABLE settings (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	data       TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

CREATE TABLE registrations (
	id                  INTEGER PRIMARY KEY,
	reference           TEXT NOT NULL UNIQUE,
	token_hash          BLOB NOT NULL UNIQUE,
	-- the private link itself, sealed under the installation key so that later
	-- emails can carry it; lookups go by the hash
	token_sealed        BLOB NOT NULL,
	status              TEXT NOT NULL CHECK (status IN ('pending','approved','waitlisted','rejected','cancelled')),
	payment_status      TEXT NOT NULL CHECK (payment_status IN ('not_required','unpaid','paid','refunded','waived')),
	fee_amount          INTEGER NOT NULL DEFAULT 0,
	fee_currency        TEXT NOT NULL DEFAULT '',
	title               TEXT NOT NULL DEFAULT '',
	given_names         TEXT NOT NULL,
	family_name         TEXT NOT NULL,
	badge_name          TEXT NOT NULL DEFAULT '',
	email               TEXT NOT NULL,
	email_key           TEXT NOT NULL,
	phone               TEXT NOT NULL DEFAULT '',
	organisation        TEXT NOT NULL,
	job_title           TEXT NOT NULL,
	city                TEXT NOT NULL DEFAULT '',
	country             TEXT NOT NULL,
	gnlc                TEXT NOT NULL DEFAULT '',
	category            TEXT NOT NULL,
	language            TEXT NOT NULL CHECK (language IN ('en','es','fr')),
	invitation_letter   INTEGER NOT NULL DEFAULT 0,
	nationality         TEXT NOT NULL DEFAULT '',
	-- passport number, expiry and date of birth: AES-256-GCM, bound to the reference
	passport_sealed     BLOB,
	arrival_date        TEXT NOT NULL DEFAULT '',
	departure_date      TEXT NOT NULL DEFAULT '',
	arrival_flight      TEXT NOT NULL DEFAULT '',
	departure_flight    TEXT NOT NULL DEFAULT '',
	airport_transfer    INTEGER NOT NULL DEFAULT 0,
	hotel               TEXT NOT NULL DEFAULT '',
	dietary             TEXT NOT NULL DEFAULT '',
	dietary_notes       TEXT NOT NULL DEFAULT '',
	accessibility       TEXT NOT NULL DEFAULT '',
	study_visit         TEXT NOT NULL DEFAULT '',
	consent_privacy     INTEGER NOT NULL,
	consent_photo       INTEGER NOT NULL DEFAULT 0,
	status_reason       TEXT NOT NULL DEFAULT '',
	badge_version       INTEGER NOT NULL DEFAULT 1,
	badge_printed_count INTEGER NOT NULL DEFAULT 0,
	checked_in_at       TEXT,
	-- lower-case, accent-free text of name, email, reference and organisation
	search              TEXT NOT NULL DEFAULT '',
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL
);

-- One live registration per address, whatever the letter case.
CREATE UNIQUE INDEX registrations_live_email ON registrations (email_key)
	WHERE status IN ('pending','approved','waitlisted');
CREATE INDEX registrations_status ON registrations (status, created_at);
CREATE INDEX registrations_category ON registrations (category);
CREATE INDEX registrations_country ON registrations (country);
CREATE INDEX registrations_study_visit ON registrations (study_visit, status);
CREATE INDEX registrations_hotel ON registrations (hotel, status);

-- Every message the system sends, written in the transaction of the change
-- that causes it; the mail worker sends them.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	registration_id INTEGER REFERENCES registrations (id),
	kind            TEXT NOT NULL,
	to_addr         TEXT NOT NULL,
	to_name         TEXT NOT NULL DEFAULT '',
	language        TEXT NOT NULL,
	subject         TEXT NOT NULL,
	body_text       TEXT NOT NULL,
	body_html       TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	next_attempt_at TEXT NOT NULL,
	created_at      TEXT NOT NULL,
	sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_registration ON outbox (registration_id);

-- Who did what: registrations, settings, users and tokens.
CREATE TABLE audit (
	id              INTEGER PRIMARY KEY,
	at              TEXT NOT NULL,
	actor           TEXT NOT NULL,
	address         TEXT NOT NULL DEFAULT '',
	action          TEXT NOT NULL,
	registration_id INTEGER REFERENCES registrations (id),
	detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_registration ON audit (registration_id);
CREATE INDEX audit_at ON audit (at);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
	password_hash TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('viewer','desk','finance','admin')),
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL,
	token_hash   BLOB NOT NULL UNIQUE,
	role         TEXT NOT NULL CHECK (role IN ('viewer','desk','finance','admin')),
	created_at   TEXT NOT NULL,
	last_used_at TEXT,
	revoked_at   TEXT
);
