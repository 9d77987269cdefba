-- Counts kept as the data changes, so that the dashboard, /stats, the
-- list pages and the capacity checks read a few rows instead of counting
-- every registration. Triggers keep them in the transaction of every
-- change, whichever code makes it; a change that moves no count fires
-- none. dim and key name what is counted:
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
	INSERT INTO tallies (dim, key, n) SELECT 'status', NEW.status, 1 WHERE NEW.status IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'category', CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.category END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.category END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'country', CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.country END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.country END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'payment', CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.payment_status END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.payment_status END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'hotel', CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.hotel <> '' THEN NEW.hotel END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.hotel <> '' THEN NEW.hotel END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'visit', CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.study_visit <> '' THEN NEW.study_visit END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.study_visit <> '' THEN NEW.study_visit END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'letters_requested', CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.invitation_letter THEN '' END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.invitation_letter THEN '' END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'quarter', printf('%s%02d', substr(NEW.created_at, 1, 14), CAST(substr(NEW.created_at, 15, 2) AS INTEGER) / 15 * 15), 1 WHERE printf('%s%02d', substr(NEW.created_at, 1, 14), CAST(substr(NEW.created_at, 15, 2) AS INTEGER) / 15 * 15) IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'checked_in', CASE WHEN NEW.checked_in_at IS NOT NULL THEN '' END, 1 WHERE CASE WHEN NEW.checked_in_at IS NOT NULL THEN '' END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'received', CASE WHEN NEW.payment_status = 'paid' THEN NEW.fee_currency END, NEW.fee_amount WHERE CASE WHEN NEW.payment_status = 'paid' THEN NEW.fee_currency END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_registration_delete AFTER DELETE ON registrations BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'status', OLD.status, -1 WHERE OLD.status IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'category', CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.category END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.category END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'country', CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.country END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.country END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'payment', CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.payment_status END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.payment_status END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'hotel', CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.hotel <> '' THEN OLD.hotel END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.hotel <> '' THEN OLD.hotel END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'visit', CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.study_visit <> '' THEN OLD.study_visit END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.study_visit <> '' THEN OLD.study_visit END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'letters_requested', CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.invitation_letter THEN '' END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.invitation_letter THEN '' END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'quarter', printf('%s%02d', substr(OLD.created_at, 1, 14), CAST(substr(OLD.created_at, 15, 2) AS INTEGER) / 15 * 15), -1 WHERE printf('%s%02d', substr(OLD.created_at, 1, 14), CAST(substr(OLD.created_at, 15, 2) AS INTEGER) / 15 * 15) IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'checked_in', CASE WHEN OLD.checked_in_at IS NOT NULL THEN '' END, -1 WHERE CASE WHEN OLD.checked_in_at IS NOT NULL THEN '' END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'received', CASE WHEN OLD.payment_status = 'paid' THEN OLD.fee_currency END, -OLD.fee_amount WHERE CASE WHEN OLD.payment_status = 'paid' THEN OLD.fee_currency END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_status_update AFTER UPDATE OF status ON registrations
WHEN OLD.status IS NOT NEW.status BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'status', OLD.status, -1 WHERE OLD.status IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'status', NEW.status, 1 WHERE NEW.status IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_category_update AFTER UPDATE OF status, category ON registrations
WHEN CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.category END IS NOT CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.category END BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'category', CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.category END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.category END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'category', CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.category END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.category END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_country_update AFTER UPDATE OF status, country ON registrations
WHEN CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.country END IS NOT CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.country END BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'country', CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.country END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.country END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'country', CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.country END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.country END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_payment_update AFTER UPDATE OF status, payment_status ON registrations
WHEN CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.payment_status END IS NOT CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.payment_status END BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'payment', CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.payment_status END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') THEN OLD.payment_status END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'payment', CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.payment_status END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') THEN NEW.payment_status END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_hotel_update AFTER UPDATE OF status, hotel ON registrations
WHEN CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.hotel <> '' THEN OLD.hotel END IS NOT CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.hotel <> '' THEN NEW.hotel END BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'hotel', CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.hotel <> '' THEN OLD.hotel END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.hotel <> '' THEN OLD.hotel END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'hotel', CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.hotel <> '' THEN NEW.hotel END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.hotel <> '' THEN NEW.hotel END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_visit_update AFTER UPDATE OF status, study_visit ON registrations
WHEN CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.study_visit <> '' THEN OLD.study_visit END IS NOT CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.study_visit <> '' THEN NEW.study_visit END BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'visit', CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.study_visit <> '' THEN OLD.study_visit END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.study_visit <> '' THEN OLD.study_visit END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'visit', CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.study_visit <> '' THEN NEW.study_visit END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.study_visit <> '' THEN NEW.study_visit END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_letters_requested_update AFTER UPDATE OF status, invitation_letter ON registrations
WHEN CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.invitation_letter THEN '' END IS NOT CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.invitation_letter THEN '' END BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'letters_requested', CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.invitation_letter THEN '' END, -1 WHERE CASE WHEN OLD.status IN ('pending','approved','waitlisted') AND OLD.invitation_letter THEN '' END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'letters_requested', CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.invitation_letter THEN '' END, 1 WHERE CASE WHEN NEW.status IN ('pending','approved','waitlisted') AND NEW.invitation_letter THEN '' END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_quarter_update AFTER UPDATE OF created_at ON registrations
WHEN printf('%s%02d', substr(OLD.created_at, 1, 14), CAST(substr(OLD.created_at, 15, 2) AS INTEGER) / 15 * 15) IS NOT printf('%s%02d', substr(NEW.created_at, 1, 14), CAST(substr(NEW.created_at, 15, 2) AS INTEGER) / 15 * 15) BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'quarter', printf('%s%02d', substr(OLD.created_at, 1, 14), CAST(substr(OLD.created_at, 15, 2) AS INTEGER) / 15 * 15), -1 WHERE printf('%s%02d', substr(OLD.created_at, 1, 14), CAST(substr(OLD.created_at, 15, 2) AS INTEGER) / 15 * 15) IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'quarter', printf('%s%02d', substr(NEW.created_at, 1, 14), CAST(substr(NEW.created_at, 15, 2) AS INTEGER) / 15 * 15), 1 WHERE printf('%s%02d', substr(NEW.created_at, 1, 14), CAST(substr(NEW.created_at, 15, 2) AS INTEGER) / 15 * 15) IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_checked_in_update AFTER UPDATE OF checked_in_at ON registrations
WHEN CASE WHEN OLD.checked_in_at IS NOT NULL THEN '' END IS NOT CASE WHEN NEW.checked_in_at IS NOT NULL THEN '' END BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'checked_in', CASE WHEN OLD.checked_in_at IS NOT NULL THEN '' END, -1 WHERE CASE WHEN OLD.checked_in_at IS NOT NULL THEN '' END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'checked_in', CASE WHEN NEW.checked_in_at IS NOT NULL THEN '' END, 1 WHERE CASE WHEN NEW.checked_in_at IS NOT NULL THEN '' END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_received_update AFTER UPDATE OF payment_status, fee_currency, fee_amount ON registrations
WHEN (CASE WHEN OLD.payment_status = 'paid' THEN OLD.fee_currency END IS NOT CASE WHEN NEW.payment_status = 'paid' THEN NEW.fee_currency END OR OLD.fee_amount <> NEW.fee_amount) BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'received', CASE WHEN OLD.payment_status = 'paid' THEN OLD.fee_currency END, -OLD.fee_amount WHERE CASE WHEN OLD.payment_status = 'paid' THEN OLD.fee_currency END IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'received', CASE WHEN NEW.payment_status = 'paid' THEN NEW.fee_currency END, NEW.fee_amount WHERE CASE WHEN NEW.payment_status = 'paid' THEN NEW.fee_currency END IS NOT NULL
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
INSERT INTO tallies (dim, key, n) SELECT 'status', k, sum(n) FROM (SELECT r.status AS k, 1 AS n FROM registrations r)
	WHERE k IS NOT NULL GROUP BY k;
INSERT INTO tallies (dim, key, n) SELECT 'category', k, sum(n) FROM (SELECT CASE WHEN r.status IN ('pending','approved','waitlisted') THEN r.category END AS k, 1 AS n FROM registrations r)
	WHERE k IS NOT NULL GROUP BY k;
INSERT INTO tallies (dim, key, n) SELECT 'country', k, sum(n) FROM (SELECT CASE WHEN r.status IN ('pending','approved','waitlisted') THEN r.country END AS k, 1 AS n FROM registrations r)
	WHERE k IS NOT NULL GROUP BY k;
INSERT INTO tallies (dim, key, n) SELECT 'payment', k, sum(n) FROM (SELECT CASE WHEN r.status IN ('pending','approved','waitlisted') THEN r.payment_status END AS k, 1 AS n FROM registrations r)
	WHERE k IS NOT NULL GROUP BY k;
INSERT INTO tallies (dim, key, n) SELECT 'hotel', k, sum(n) FROM (SELECT CASE WHEN r.status IN ('pending','approved','waitlisted') AND r.hotel <> '' THEN r.hotel END AS k, 1 AS n FROM registrations r)
	WHERE k IS NOT NULL GROUP BY k;
INSERT INTO tallies (dim, key, n) SELECT 'visit', k, sum(n) FROM (SELECT CASE WHEN r.status IN ('pending','approved','waitlisted') AND r.study_visit <> '' THEN r.study_visit END AS k, 1 AS n FROM registrations r)
	WHERE k IS NOT NULL GROUP BY k;
INSERT INTO tallies (dim, key, n) SELECT 'letters_requested', k, sum(n) FROM (SELECT CASE WHEN r.status IN ('pending','approved','waitlisted') AND r.invitation_letter THEN '' END AS k, 1 AS n FROM registrations r)
	WHERE k IS NOT NULL GROUP BY k;
INSERT INTO tallies (dim, key, n) SELECT 'quarter', k, sum(n) FROM (SELECT printf('%s%02d', substr(r.created_at, 1, 14), CAST(substr(r.created_at, 15, 2) AS INTEGER) / 15 * 15) AS k, 1 AS n FROM registrations r)
	WHERE k IS NOT NULL GROUP BY k;
INSERT INTO tallies (dim, key, n) SELECT 'checked_in', k, sum(n) FROM (SELECT CASE WHEN r.checked_in_at IS NOT NULL THEN '' END AS k, 1 AS n FROM registrations r)
	WHERE k IS NOT NULL GROUP BY k;
INSERT INTO tallies (dim, key, n) SELECT 'received', k, sum(n) FROM (SELECT CASE WHEN r.payment_status = 'paid' THEN r.fee_currency END AS k, r.fee_amount AS n FROM registrations r)
	WHERE k IS NOT NULL GROUP BY k;
INSERT INTO tallies (dim, key, n) SELECT 'checkin_day', day, count(DISTINCT registration_id) FROM checkins GROUP BY day;
INSERT INTO tallies (dim, key, n) SELECT 'letters_issued', '', count(*) FROM letters WHERE superseded_at IS NULL HAVING count(*) > 0;

CREATE INDEX payments_flagged ON payments (flagged) WHERE flagged <> '';
