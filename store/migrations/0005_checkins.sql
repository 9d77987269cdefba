-- Every check-in at the desk; `day` is the date in the venue's time zone.
CREATE TABLE checkins (
	id              INTEGER PRIMARY KEY,
	registration_id INTEGER NOT NULL REFERENCES registrations (id),
	at              TEXT NOT NULL,
	day             TEXT NOT NULL,
	actor           TEXT NOT NULL,
	forced          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX checkins_registration ON checkins (registration_id, day);
CREATE INDEX checkins_day ON checkins (day);
