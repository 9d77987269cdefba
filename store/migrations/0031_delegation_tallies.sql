-- Members of each delegation by status (dim 'delegation_status', key
-- "{delegation id}:{status}") and those checked in (dim
-- 'delegation_checked_in', key the delegation's id), kept like the other
-- tallies (0018) for the dashboard and /stats.
CREATE TRIGGER tallies_delegation_insert AFTER INSERT ON registrations
WHEN NEW.delegation_id IS NOT NULL BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('delegation_status', NEW.delegation_id || ':' || NEW.status, 1)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
	INSERT INTO tallies (dim, key, n) SELECT 'delegation_checked_in', NEW.delegation_id, 1 WHERE NEW.checked_in_at IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tallies_delegation_delete AFTER DELETE ON registrations
WHEN OLD.delegation_id IS NOT NULL BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('delegation_status', OLD.delegation_id || ':' || OLD.status, -1)
		ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
	INSERT INTO tallies (dim, key, n) SELECT 'delegation_checked_in', OLD.delegation_id, -1 WHERE OLD.checked_in_at IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER tallies_delegation_update AFTER UPDATE OF status, delegation_id, checked_in_at ON registrations
WHEN OLD.delegation_id IS NOT NEW.delegation_id OR OLD.status IS NOT NEW.status
	OR (OLD.checked_in_at IS NULL) <> (NEW.checked_in_at IS NULL) BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'delegation_status', OLD.delegation_id || ':' || OLD.status, -1 WHERE OLD.delegation_id IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
	INSERT INTO tallies (dim, key, n) SELECT 'delegation_status', NEW.delegation_id || ':' || NEW.status, 1 WHERE NEW.delegation_id IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
	INSERT INTO tallies (dim, key, n) SELECT 'delegation_checked_in', OLD.delegation_id, -1
		WHERE OLD.delegation_id IS NOT NULL AND OLD.checked_in_at IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
	INSERT INTO tallies (dim, key, n) SELECT 'delegation_checked_in', NEW.delegation_id, 1
		WHERE NEW.delegation_id IS NOT NULL AND NEW.checked_in_at IS NOT NULL
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
END;

INSERT INTO tallies (dim, key, n)
SELECT 'delegation_status', delegation_id || ':' || status, count(*) FROM registrations
WHERE delegation_id IS NOT NULL GROUP BY delegation_id, status;
INSERT INTO tallies (dim, key, n)
SELECT 'delegation_checked_in', delegation_id, count(*) FROM registrations
WHERE delegation_id IS NOT NULL AND checked_in_at IS NOT NULL GROUP BY delegation_id;
