-- Delegations: a Member State, a city, an agency or an organisation whose
-- focal points nominate its members, within a quota of places.
CREATE TABLE delegations (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('member_state', 'associate_member', 'observer', 'host', 'city', 'un_system',
		'igo', 'ngo', 'academia', 'private_sector', 'press')),
	country TEXT NOT NULL DEFAULT '',
	quota INTEGER NOT NULL CHECK (quota >= 0),
	restricted_quota INTEGER NOT NULL DEFAULT 0 CHECK (restricted_quota >= 0),
	credentials TEXT NOT NULL DEFAULT 'none' CHECK (credentials IN ('none', 'copy', 'original')),
	credentials_at TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- The addresses that may sign in for a delegation (one address may serve
-- several).
CREATE TABLE delegation_focal_points (
	delegation_id INTEGER NOT NULL REFERENCES delegations (id) ON DELETE CASCADE,
	email TEXT NOT NULL,
	email_key TEXT NOT NULL,
	PRIMARY KEY (delegation_id, email_key)
) WITHOUT ROWID;
CREATE INDEX delegation_focal_points_email ON delegation_focal_points (email_key);

-- A member is a registration of the delegation: its head, its protocol
-- rank (1 first; 0 unranked), and whether it is left out of the
-- published list of participants.
ALTER TABLE registrations ADD COLUMN delegation_id INTEGER REFERENCES delegations (id);
ALTER TABLE registrations ADD COLUMN delegation_head INTEGER NOT NULL DEFAULT 0;
ALTER TABLE registrations ADD COLUMN protocol_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE registrations ADD COLUMN list_opt_out INTEGER NOT NULL DEFAULT 0;
CREATE INDEX registrations_delegation ON registrations (delegation_id, status) WHERE delegation_id IS NOT NULL;
