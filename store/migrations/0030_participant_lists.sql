-- Published lists of participants: each version an organiser publishes,
-- kept as the files it was published as, so that what delegates download
-- is what was published, whatever changes after.
CREATE TABLE participant_lists (
	id INTEGER PRIMARY KEY,
	version TEXT NOT NULL CHECK (version IN ('provisional', 'final')),
	published_at TEXT NOT NULL,
	published_by TEXT NOT NULL,
	entries INTEGER NOT NULL
);

CREATE TABLE participant_list_files (
	list_id INTEGER NOT NULL REFERENCES participant_lists (id) ON DELETE CASCADE,
	lang TEXT NOT NULL,
	format TEXT NOT NULL CHECK (format IN ('pdf', 'xlsx')),
	body BLOB NOT NULL,
	PRIMARY KEY (list_id, lang, format)
);

-- The list reads approved delegates who have not opted out.
CREATE INDEX registrations_listed ON registrations (status, list_opt_out);
