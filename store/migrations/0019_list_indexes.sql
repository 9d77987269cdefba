-- Indexes that match each order a list can take, so that a page of 50 is
-- read in order instead of sorting every registration; and a search index.
CREATE INDEX registrations_created ON registrations (created_at);
CREATE INDEX registrations_name ON registrations (family_name COLLATE NOCASE, given_names COLLATE NOCASE);
CREATE INDEX registrations_country_name ON registrations (country, family_name COLLATE NOCASE);
CREATE INDEX registrations_status_name ON registrations (status, family_name COLLATE NOCASE, given_names COLLATE NOCASE);
DROP INDEX registrations_country;
-- Search: the trigrams of each registration's search text (name, email,
-- reference, organisation; lower case, no accents), one document per
-- registration (docid = registrations.id). The store writes it with the
-- registration and fills it for rows it lacks at start. FTS4, not FTS5:
-- the SQLite that mattn/go-sqlite3 builds by default has FTS4 only, and its
-- tokenizer has no trigrams, so the store makes them.
CREATE VIRTUAL TABLE registrations_search USING fts4 (grams);
