-- Outgoing webhooks: the endpoints organisers add, and every delivery,
-- written in the transaction of the change that causes it (as the outbox
-- is for mail) and sent by the webhook worker, at least once.
CREATE TABLE webhook_endpoints (
	id            INTEGER PRIMARY KEY,
	url           TEXT NOT NULL,
	events        TEXT NOT NULL,  -- comma-separated
	secret_sealed BLOB NOT NULL,  -- the signing secret, sealed under the installation key
	active        INTEGER NOT NULL DEFAULT 1,
	created_at    TEXT NOT NULL,
	created_by    TEXT NOT NULL
);
CREATE TABLE webhook_deliveries (
	id              INTEGER PRIMARY KEY,
	endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints (id),
	registration_id INTEGER REFERENCES registrations (id),
	event           TEXT NOT NULL,
	event_id        TEXT NOT NULL,  -- the same for every endpoint told of one change
	payload         TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	answer_status   INTEGER NOT NULL DEFAULT 0,
	answer          TEXT NOT NULL DEFAULT '',
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	delivered_at    TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'queued';
CREATE INDEX webhook_deliveries_registration ON webhook_deliveries (registration_id);
