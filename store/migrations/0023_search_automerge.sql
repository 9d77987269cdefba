-- The search index merges its segments a little at a time as rows come
-- in, rather than all at once inside whichever registration fills a level
-- (at 100,000 those merges rewrote megabytes inside one registration).
INSERT INTO registrations_search (registrations_search) VALUES ('automerge=8');
