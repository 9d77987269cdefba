-- Restricted categories (speakers, staff, press…) are open only to those
-- with an access code. A code unlocks one category, once or max_uses
-- times (0: no limit), until expires_on (inclusive, venue time; '' for
-- never), unless revoked.
CREATE TABLE access_codes (
	id          INTEGER PRIMARY KEY,
	code        TEXT NOT NULL UNIQUE,
	category    TEXT NOT NULL,
	max_uses    INTEGER NOT NULL,
	uses        INTEGER NOT NULL DEFAULT 0,
	expires_on  TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	created_by  TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	revoked_at  TEXT
);
ALTER TABLE registrations ADD COLUMN access_code TEXT NOT NULL DEFAULT '';
-- speakers and staff come by invitation
UPDATE settings SET data = coalesce((SELECT json_set(settings.data, '$.categories[' || key || '].restricted', json('true'))
	FROM json_each(settings.data, '$.categories') WHERE json_extract(value, '$.code') = 'speaker'), data);
UPDATE settings SET data = coalesce((SELECT json_set(settings.data, '$.categories[' || key || '].restricted', json('true'))
	FROM json_each(settings.data, '$.categories') WHERE json_extract(value, '$.code') = 'staff'), data);
