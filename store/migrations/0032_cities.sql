-- Cities, matched across spellings: city_key is the city without accents,
-- case or punctuation (store.CityKey), written with the city. The tally
-- 'city' counts live delegates of the city categories by
-- "{country}|{city_key}|{gnlc}", for the dashboard's cities and the
-- cities that want to join the Global Network of Learning Cities.
ALTER TABLE registrations ADD COLUMN city_key TEXT NOT NULL DEFAULT '';
CREATE INDEX registrations_city ON registrations (country, city_key) WHERE city_key <> '';

CREATE TRIGGER tallies_city_insert AFTER INSERT ON registrations
WHEN NEW.city_key <> '' AND NEW.category IN ('mayor', 'city_official') AND NEW.status IN ('pending', 'approved', 'waitlisted') BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('city', NEW.country || '|' || NEW.city_key || '|' || NEW.gnlc, 1)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tallies_city_delete AFTER DELETE ON registrations
WHEN OLD.city_key <> '' AND OLD.category IN ('mayor', 'city_official') AND OLD.status IN ('pending', 'approved', 'waitlisted') BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('city', OLD.country || '|' || OLD.city_key || '|' || OLD.gnlc, -1)
		ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER tallies_city_update AFTER UPDATE OF status, category, country, city_key, gnlc ON registrations
WHEN (CASE WHEN OLD.city_key <> '' AND OLD.category IN ('mayor', 'city_official') AND OLD.status IN ('pending', 'approved', 'waitlisted')
		THEN OLD.country || '|' || OLD.city_key || '|' || OLD.gnlc END)
	IS NOT (CASE WHEN NEW.city_key <> '' AND NEW.category IN ('mayor', 'city_official') AND NEW.status IN ('pending', 'approved', 'waitlisted')
		THEN NEW.country || '|' || NEW.city_key || '|' || NEW.gnlc END) BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'city', OLD.country || '|' || OLD.city_key || '|' || OLD.gnlc, -1
		WHERE OLD.city_key <> '' AND OLD.category IN ('mayor', 'city_official') AND OLD.status IN ('pending', 'approved', 'waitlisted')
		ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
	INSERT INTO tallies (dim, key, n) SELECT 'city', NEW.country || '|' || NEW.city_key || '|' || NEW.gnlc, 1
		WHERE NEW.city_key <> '' AND NEW.category IN ('mayor', 'city_official') AND NEW.status IN ('pending', 'approved', 'waitlisted')
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
END;
