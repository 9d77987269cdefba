-- Files the documents print, such as the signatory's signature.
CREATE TABLE assets (
	name       TEXT PRIMARY KEY,
	data       BLOB NOT NULL,
	updated_at TEXT NOT NULL
);
