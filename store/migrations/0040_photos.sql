-- Photos for badges, where a category asks for one: sealed under the
-- installation key like passport data, and erased with it.
CREATE TABLE photos (
	registration_id INTEGER PRIMARY KEY REFERENCES registrations (id),
	sealed          BLOB NOT NULL,
	updated_at      TEXT NOT NULL
);
CREATE TRIGGER roster_photo_insert AFTER INSERT ON photos BEGIN
	INSERT OR REPLACE INTO roster_changes (registration_id, seq)
		VALUES (NEW.registration_id, (SELECT coalesce(max(seq), 0) + 1 FROM roster_changes));
END;
CREATE TRIGGER roster_photo_update AFTER UPDATE ON photos BEGIN
	INSERT OR REPLACE INTO roster_changes (registration_id, seq)
		VALUES (NEW.registration_id, (SELECT coalesce(max(seq), 0) + 1 FROM roster_changes));
END;
CREATE TRIGGER roster_photo_delete AFTER DELETE ON photos BEGIN
	INSERT OR REPLACE INTO roster_changes (registration_id, seq)
		VALUES (OLD.registration_id, (SELECT coalesce(max(seq), 0) + 1 FROM roster_changes));
END;
