-- Money received, refunded or waived; one row per Stripe event or desk
-- entry, so that a repeated webhook changes nothing twice.
CREATE TABLE payments (
	id              INTEGER PRIMARY KEY,
	registration_id INTEGER NOT NULL REFERENCES registrations (id),
	event_id        TEXT NOT NULL UNIQUE,
	kind            TEXT NOT NULL CHECK (kind IN ('paid', 'refunded', 'waived')),
	amount          INTEGER NOT NULL,
	currency        TEXT NOT NULL,
	method          TEXT NOT NULL, -- "card" or "desk"
	provider_ref    TEXT NOT NULL DEFAULT '',
	actor           TEXT NOT NULL,
	created_at      TEXT NOT NULL
);
CREATE INDEX payments_registration ON payments (registration_id);
