-- Approved registrations whose badge was never printed, for the badges
-- page (dim 'unprinted', key ''), kept like the other tallies (0018).
CREATE TRIGGER tallies_unprinted_insert AFTER INSERT ON registrations
WHEN NEW.status = 'approved' AND NEW.badge_printed_count = 0 BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('unprinted', '', 1) ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tallies_unprinted_delete AFTER DELETE ON registrations
WHEN OLD.status = 'approved' AND OLD.badge_printed_count = 0 BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('unprinted', '', -1) ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER tallies_unprinted_update AFTER UPDATE OF status, badge_printed_count ON registrations
WHEN (OLD.status = 'approved' AND OLD.badge_printed_count = 0) <> (NEW.status = 'approved' AND NEW.badge_printed_count = 0) BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('unprinted', '', CASE WHEN NEW.status = 'approved' AND NEW.badge_printed_count = 0 THEN 1 ELSE -1 END)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

INSERT INTO tallies (dim, key, n)
SELECT 'unprinted', '', count(*) FROM registrations WHERE status = 'approved' AND badge_printed_count = 0 HAVING count(*) > 0;
