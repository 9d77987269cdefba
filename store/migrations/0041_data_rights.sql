-- The delegate's data rights: the privacy notice in versions, the consent
-- each delegate gave and to which version, and erasure.

-- Each published version of the privacy notice. Version 1 is the notice
-- the service is built with (its bodies empty: the text comes from the
-- catalogs); later ones are the organisers' own text in each language.
-- ask_again asks delegates who consented to an earlier version to accept
-- this one at their next visit.
CREATE TABLE privacy_notices (
	version      INTEGER PRIMARY KEY,
	body_en      TEXT NOT NULL DEFAULT '',
	body_es      TEXT NOT NULL DEFAULT '',
	body_fr      TEXT NOT NULL DEFAULT '',
	ask_again    INTEGER NOT NULL DEFAULT 0,
	published_at TEXT NOT NULL,
	published_by TEXT NOT NULL
);
INSERT INTO privacy_notices (version, published_at, published_by)
	VALUES (1, strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now'), 'system');

-- Each consent: to which version, when, from where (the address it came
-- from) and how (the form, the API, the private page, an organiser).
CREATE TABLE consents (
	id              INTEGER PRIMARY KEY,
	registration_id INTEGER NOT NULL REFERENCES registrations (id),
	version         INTEGER NOT NULL REFERENCES privacy_notices (version),
	at              TEXT NOT NULL,
	address         TEXT NOT NULL DEFAULT '',
	how             TEXT NOT NULL
);
CREATE INDEX consents_registration ON consents (registration_id, version);
INSERT INTO consents (registration_id, version, at, how)
	SELECT id, 1, created_at, 'registration' FROM registrations WHERE consent_privacy;

-- Erasure: asked for (by the delegate, or recorded by an organiser) and
-- done. An erased registration keeps its reference, status, category,
-- country and language, for the counts; everything personal goes.
ALTER TABLE registrations ADD COLUMN erasure_requested_at TEXT;
ALTER TABLE registrations ADD COLUMN erasure_requested_by TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN erased_at TEXT;
CREATE INDEX registrations_erasure_asked ON registrations (erasure_requested_at)
	WHERE erasure_requested_at IS NOT NULL AND erased_at IS NULL;
