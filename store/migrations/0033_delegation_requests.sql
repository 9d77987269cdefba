-- Requests for a delegation from the public form: what was asked, by
-- whom, and the organisers' decision (the delegation made, or the reason
-- for refusing).
CREATE TABLE delegation_requests (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	country TEXT NOT NULL DEFAULT '',
	quota INTEGER NOT NULL,
	contact_name TEXT NOT NULL,
	email TEXT NOT NULL,
	focal_points TEXT NOT NULL DEFAULT '', -- further addresses, one a line
	message TEXT NOT NULL DEFAULT '',
	language TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
	reason TEXT NOT NULL DEFAULT '',
	delegation_id INTEGER REFERENCES delegations (id),
	created_at TEXT NOT NULL,
	decided_at TEXT,
	decided_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delegation_requests_status ON delegation_requests (status, id);
