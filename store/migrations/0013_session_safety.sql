-- Sessions are stored under a hash of their token from now on: a copy of
-- the database lets nobody in. Those stored in clear go.
DELETE FROM sessions;
-- session_epoch grows when an organiser's password, role or access
-- changes: every session begun before it ends.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
