-- A delegation's note verbale, as its focal point uploaded it (the latest
-- replaces the one before), and the credentials received.
CREATE TABLE notes_verbales (
	delegation_id INTEGER PRIMARY KEY REFERENCES delegations (id) ON DELETE CASCADE,
	data BLOB NOT NULL,
	content_type TEXT NOT NULL,
	file_name TEXT NOT NULL,
	uploaded_at TEXT NOT NULL,
	uploaded_by TEXT NOT NULL
);
