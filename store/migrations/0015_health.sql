-- One row /healthz rewrites, with room in it, to know that the database
-- takes writes.
CREATE TABLE health (id INTEGER PRIMARY KEY, checked_at TEXT NOT NULL, room BLOB);
