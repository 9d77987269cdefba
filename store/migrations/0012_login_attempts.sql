-- Login attempts, counted before the password is checked, per client
-- network and per account, within a window; kept here so that a restart
-- does not forget them.
CREATE TABLE login_attempts (
	key          TEXT PRIMARY KEY,
	count        INTEGER NOT NULL,
	first_at     TEXT NOT NULL,
	locked_until TEXT NOT NULL DEFAULT ''
);
