-- Named desks, scans synced from desks that went offline, and the roster
-- those desks keep.

-- The desk that checked a delegate in ('' before desks had names).
ALTER TABLE checkins ADD COLUMN desk TEXT NOT NULL DEFAULT '';

-- Every scan at a desk page, online or sent later from a desk that was
-- offline, kept once by the id the desk gave it: a batch sent again
-- changes nothing. outcome is ok, already, warn (not approved, fee due)
-- or refused (unknown code, old badge, registration not live).
CREATE TABLE desk_scans (
	id              TEXT PRIMARY KEY,
	desk            TEXT NOT NULL,
	registration_id INTEGER REFERENCES registrations (id),
	at              TEXT NOT NULL,
	offline         INTEGER NOT NULL DEFAULT 0,
	outcome         TEXT NOT NULL,
	reason          TEXT NOT NULL DEFAULT '',
	actor           TEXT NOT NULL,
	received_at     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX desk_scans_desk ON desk_scans (desk, received_at);
CREATE INDEX desk_scans_refused_offline ON desk_scans (received_at) WHERE offline AND outcome IN ('warn', 'refused');

-- The roster's changes: each registration's place in the order of change,
-- so that a desk asks for what changed since the last it saw (a keyset
-- page, however many registrations there are).
CREATE TABLE roster_changes (
	registration_id INTEGER PRIMARY KEY REFERENCES registrations (id),
	seq             INTEGER NOT NULL
);
CREATE UNIQUE INDEX roster_changes_seq ON roster_changes (seq);
INSERT INTO roster_changes (registration_id, seq) SELECT id, id FROM registrations;

CREATE TRIGGER roster_insert AFTER INSERT ON registrations BEGIN
	INSERT OR REPLACE INTO roster_changes (registration_id, seq)
		VALUES (NEW.id, (SELECT coalesce(max(seq), 0) + 1 FROM roster_changes));
END;
CREATE TRIGGER roster_update AFTER UPDATE OF status, payment_status, badge_version, title, given_names, family_name,
	badge_name, organisation, country, category, checked_in_at, badge_printed_count, letter_decision,
	invitation_letter ON registrations BEGIN
	INSERT OR REPLACE INTO roster_changes (registration_id, seq)
		VALUES (NEW.id, (SELECT coalesce(max(seq), 0) + 1 FROM roster_changes));
END;
CREATE TRIGGER roster_checkin AFTER INSERT ON checkins BEGIN
	INSERT OR REPLACE INTO roster_changes (registration_id, seq)
		VALUES (NEW.registration_id, (SELECT coalesce(max(seq), 0) + 1 FROM roster_changes));
END;

-- Who came in, per desk and per category, each day (venue time): the
-- first check-in of a delegate that day counts, as for checkin_day.
CREATE TRIGGER tallies_checkin_desk AFTER INSERT ON checkins
WHEN NOT EXISTS (SELECT 1 FROM checkins WHERE registration_id = NEW.registration_id AND day = NEW.day AND id <> NEW.id) BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('checkin_desk', NEW.day || ' ' || NEW.desk, 1)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
	INSERT INTO tallies (dim, key, n) SELECT 'checkin_category', NEW.day || ' ' || category, 1 FROM registrations WHERE id = NEW.registration_id
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
END;
INSERT INTO tallies (dim, key, n) SELECT 'checkin_desk', day || ' ' || desk, count(DISTINCT registration_id) FROM checkins GROUP BY day, desk;
INSERT INTO tallies (dim, key, n) SELECT 'checkin_category', c.day || ' ' || r.category, count(DISTINCT c.registration_id)
	FROM checkins c JOIN registrations r ON r.id = c.registration_id GROUP BY c.day, r.category;
CREATE INDEX checkins_at ON checkins (at);
