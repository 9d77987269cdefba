-- A print job is a batch of badges split into parts of a size the
-- organiser picks: the badges it holds are fixed when it is made, so that
-- part 7 is the same badges whichever part is printed first.
CREATE TABLE print_jobs (
	id INTEGER PRIMARY KEY,
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	layout TEXT NOT NULL,
	language TEXT NOT NULL,
	part_size INTEGER NOT NULL CHECK (part_size > 0),
	total INTEGER NOT NULL DEFAULT 0,
	filter TEXT NOT NULL DEFAULT '{}'
);

-- registration_id has no foreign key: its check would read each
-- registration's row in name order, every page of the table through the
-- writer's cache (a job of 80,000 grew the server by 100 MB); the ids come
-- from the registrations just read, and a part joins them back, so a row
-- whose registration is gone is passed over.
CREATE TABLE print_job_badges (
	job_id INTEGER NOT NULL REFERENCES print_jobs (id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	registration_id INTEGER NOT NULL,
	PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

CREATE TABLE print_job_parts (
	job_id INTEGER NOT NULL REFERENCES print_jobs (id) ON DELETE CASCADE,
	part INTEGER NOT NULL,
	printed_at TEXT NOT NULL,
	printed_by TEXT NOT NULL,
	badges INTEGER NOT NULL,
	times INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (job_id, part)
) WITHOUT ROWID;
