-- Counts kept as the data changes, so that the dashboard, /stats, the
-- list pages and the capacity checks read a few rows instead of counting
-- every registration. Triggers keep them in the transaction of every
-- change, whichever code makes it. dim and key name what is counted:
--   status             every registration, by status
--   category, country, payment, hotel, visit, letters_requested
--                      live registrations (pending, approved, waitlisted)
--   quarter            registrations by the UTC quarter-hour they arrived
--                      ("2015-06-15T12:45"), read into venue days
--   checked_in         registrations checked in at least once
--   received           paid fees, in minor units, by currency
--   checkin_day        delegates checked in on a venue day
--   letters_issued     valid invitation letters
CREATE TABLE tallies (
	dim TEXT NOT NULL,
	key TEXT NOT NULL,
	n   INTEGER NOT NULL,
	PRIMARY KEY (dim, key)
) WITHOUT ROWID;

CREATE TRIGGER tallies_registration_insert AFTER INSERT ON registrations BEGIN
	INSERT INTO tallies (dim, key, n)
	SELECT dim, key, sum(n) FROM (
		SELECT 'status' AS dim, NEW.status AS key, 1 AS n
		UNION ALL SELECT 'category', NEW.category, 1 WHERE NEW.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'country', NEW.country, 1 WHERE NEW.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'payment', NEW.payment_status, 1 WHERE NEW.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'hotel', NEW.hotel, 1 WHERE NEW.status IN ('pending','approved','waitlisted') AND NEW.hotel <> ''
		UNION ALL SELECT 'visit', NEW.study_visit, 1 WHERE NEW.status IN ('pending','approved','waitlisted') AND NEW.study_visit <> ''
		UNION ALL SELECT 'letters_requested', '', 1 WHERE NEW.status IN ('pending','approved','waitlisted') AND NEW.invitation_letter
		UNION ALL SELECT 'quarter', printf('%s%02d', substr(NEW.created_at, 1, 14), CAST(substr(NEW.created_at, 15, 2) AS INTEGER) / 15 * 15), 1
		UNION ALL SELECT 'checked_in', '', 1 WHERE NEW.checked_in_at IS NOT NULL
		UNION ALL SELECT 'received', NEW.fee_currency, 1 * NEW.fee_amount WHERE NEW.payment_status = 'paid'
	) WHERE true GROUP BY dim, key HAVING sum(n) <> 0
	ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_registration_delete AFTER DELETE ON registrations BEGIN
	INSERT INTO tallies (dim, key, n)
	SELECT dim, key, sum(n) FROM (
		SELECT 'status' AS dim, OLD.status AS key, -1 AS n
		UNION ALL SELECT 'category', OLD.category, -1 WHERE OLD.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'country', OLD.country, -1 WHERE OLD.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'payment', OLD.payment_status, -1 WHERE OLD.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'hotel', OLD.hotel, -1 WHERE OLD.status IN ('pending','approved','waitlisted') AND OLD.hotel <> ''
		UNION ALL SELECT 'visit', OLD.study_visit, -1 WHERE OLD.status IN ('pending','approved','waitlisted') AND OLD.study_visit <> ''
		UNION ALL SELECT 'letters_requested', '', -1 WHERE OLD.status IN ('pending','approved','waitlisted') AND OLD.invitation_letter
		UNION ALL SELECT 'quarter', printf('%s%02d', substr(OLD.created_at, 1, 14), CAST(substr(OLD.created_at, 15, 2) AS INTEGER) / 15 * 15), -1
		UNION ALL SELECT 'checked_in', '', -1 WHERE OLD.checked_in_at IS NOT NULL
		UNION ALL SELECT 'received', OLD.fee_currency, -1 * OLD.fee_amount WHERE OLD.payment_status = 'paid'
	) WHERE true GROUP BY dim, key HAVING sum(n) <> 0
	ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_registration_update AFTER UPDATE OF status, category, country, payment_status, hotel, study_visit, invitation_letter, created_at, checked_in_at, fee_currency, fee_amount ON registrations BEGIN
	INSERT INTO tallies (dim, key, n)
	SELECT dim, key, sum(n) FROM (
		SELECT 'status' AS dim, OLD.status AS key, -1 AS n
		UNION ALL SELECT 'category', OLD.category, -1 WHERE OLD.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'country', OLD.country, -1 WHERE OLD.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'payment', OLD.payment_status, -1 WHERE OLD.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'hotel', OLD.hotel, -1 WHERE OLD.status IN ('pending','approved','waitlisted') AND OLD.hotel <> ''
		UNION ALL SELECT 'visit', OLD.study_visit, -1 WHERE OLD.status IN ('pending','approved','waitlisted') AND OLD.study_visit <> ''
		UNION ALL SELECT 'letters_requested', '', -1 WHERE OLD.status IN ('pending','approved','waitlisted') AND OLD.invitation_letter
		UNION ALL SELECT 'quarter', printf('%s%02d', substr(OLD.created_at, 1, 14), CAST(substr(OLD.created_at, 15, 2) AS INTEGER) / 15 * 15), -1
		UNION ALL SELECT 'checked_in', '', -1 WHERE OLD.checked_in_at IS NOT NULL
		UNION ALL SELECT 'received', OLD.fee_currency, -1 * OLD.fee_amount WHERE OLD.payment_status = 'paid'
		UNION ALL SELECT 'status' AS dim, NEW.status AS key, 1 AS n
		UNION ALL SELECT 'category', NEW.category, 1 WHERE NEW.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'country', NEW.country, 1 WHERE NEW.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'payment', NEW.payment_status, 1 WHERE NEW.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'hotel', NEW.hotel, 1 WHERE NEW.status IN ('pending','approved','waitlisted') AND NEW.hotel <> ''
		UNION ALL SELECT 'visit', NEW.study_visit, 1 WHERE NEW.status IN ('pending','approved','waitlisted') AND NEW.study_visit <> ''
		UNION ALL SELECT 'letters_requested', '', 1 WHERE NEW.status IN ('pending','approved','waitlisted') AND NEW.invitation_letter
		UNION ALL SELECT 'quarter', printf('%s%02d', substr(NEW.created_at, 1, 14), CAST(substr(NEW.created_at, 15, 2) AS INTEGER) / 15 * 15), 1
		UNION ALL SELECT 'checked_in', '', 1 WHERE NEW.checked_in_at IS NOT NULL
		UNION ALL SELECT 'received', NEW.fee_currency, 1 * NEW.fee_amount WHERE NEW.payment_status = 'paid'
	) WHERE true GROUP BY dim, key HAVING sum(n) <> 0
	ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_checkin AFTER INSERT ON checkins
WHEN NOT EXISTS (SELECT 1 FROM checkins WHERE registration_id = NEW.registration_id AND day = NEW.day AND id <> NEW.id) BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('checkin_day', NEW.day, 1)
	ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tallies_letter_insert AFTER INSERT ON letters WHEN NEW.superseded_at IS NULL BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('letters_issued', '', 1)
	ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tallies_letter_update AFTER UPDATE OF superseded_at ON letters
WHEN (OLD.superseded_at IS NULL) <> (NEW.superseded_at IS NULL) BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('letters_issued', '', CASE WHEN NEW.superseded_at IS NULL THEN 1 ELSE -1 END)
	ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

-- what is there already
	INSERT INTO tallies (dim, key, n)
	SELECT dim, key, sum(n) FROM (
		SELECT 'status' AS dim, r.status AS key, 1 AS n FROM registrations r
		UNION ALL SELECT 'category', r.category, 1 FROM registrations r WHERE r.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'country', r.country, 1 FROM registrations r WHERE r.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'payment', r.payment_status, 1 FROM registrations r WHERE r.status IN ('pending','approved','waitlisted')
		UNION ALL SELECT 'hotel', r.hotel, 1 FROM registrations r WHERE r.status IN ('pending','approved','waitlisted') AND r.hotel <> ''
		UNION ALL SELECT 'visit', r.study_visit, 1 FROM registrations r WHERE r.status IN ('pending','approved','waitlisted') AND r.study_visit <> ''
		UNION ALL SELECT 'letters_requested', '', 1 FROM registrations r WHERE r.status IN ('pending','approved','waitlisted') AND r.invitation_letter
		UNION ALL SELECT 'quarter', printf('%s%02d', substr(r.created_at, 1, 14), CAST(substr(r.created_at, 15, 2) AS INTEGER) / 15 * 15), 1 FROM registrations r
		UNION ALL SELECT 'checked_in', '', 1 FROM registrations r WHERE r.checked_in_at IS NOT NULL
		UNION ALL SELECT 'received', r.fee_currency, 1 * r.fee_amount FROM registrations r WHERE r.payment_status = 'paid'
	) WHERE true GROUP BY dim, key HAVING sum(n) <> 0;
INSERT INTO tallies (dim, key, n) SELECT 'checkin_day', day, count(DISTINCT registration_id) FROM checkins GROUP BY day;
INSERT INTO tallies (dim, key, n) SELECT 'letters_issued', '', count(*) FROM letters WHERE superseded_at IS NULL HAVING count(*) > 0;

CREATE INDEX payments_flagged ON payments (flagged) WHERE flagged <> '';
