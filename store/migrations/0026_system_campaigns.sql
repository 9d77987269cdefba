-- A change that tells every delegate (new conference dates) is queued as a
-- campaign of the system's own message kind, in chunks like an organisers'
-- message and composed when it is sent: kind is that message's kind, ''
-- for a message the organisers wrote.
ALTER TABLE campaigns ADD COLUMN kind TEXT NOT NULL DEFAULT '';
