-- A message organisers write to many delegates at once; its outbox rows
-- carry its id, once per registration.
CREATE TABLE campaigns (
	id         INTEGER PRIMARY KEY,
	author     TEXT NOT NULL,
	filter     TEXT NOT NULL,
	texts      TEXT NOT NULL,
	created_at TEXT NOT NULL
);
ALTER TABLE outbox ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id);
CREATE UNIQUE INDEX outbox_campaign_once ON outbox (campaign_id, registration_id) WHERE campaign_id IS NOT NULL;
