-- Delegates expected but not arrived: approved, never checked in. The
-- live view of the desks counts them without reading the registrations.
CREATE TRIGGER tallies_expected_insert AFTER INSERT ON registrations
WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NULL BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('expected', '', 1)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tallies_expected_update AFTER UPDATE OF status, checked_in_at ON registrations
WHEN (OLD.status = 'approved' AND OLD.checked_in_at IS NULL) <> (NEW.status = 'approved' AND NEW.checked_in_at IS NULL) BEGIN
	INSERT INTO tallies (dim, key, n)
		VALUES ('expected', '', CASE WHEN NEW.status = 'approved' AND NEW.checked_in_at IS NULL THEN 1 ELSE -1 END)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER tallies_expected_delete AFTER DELETE ON registrations
WHEN OLD.status = 'approved' AND OLD.checked_in_at IS NULL BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('expected', '', -1)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;
INSERT INTO tallies (dim, key, n) SELECT 'expected', '', count(*) FROM registrations
	WHERE status = 'approved' AND checked_in_at IS NULL;
