-- Letters follow a person's decision. letter_decision is '' until an
-- organiser approves the registration or issues its letter ('granted'),
-- 'review' when a change to what the letter prints waits for one, and
-- 'refused' when one refused the letter (letter_reason tells the delegate
-- why). letter_changes is what changed since the last decision, passport
-- masked, for the review queue.
ALTER TABLE registrations ADD COLUMN letter_decision TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN letter_changes TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN letter_reason TEXT NOT NULL DEFAULT '';
-- a refused letter is no longer good, whatever it printed
ALTER TABLE letters ADD COLUMN refused_at TEXT;
-- letters issued before this stand as decided
UPDATE registrations SET letter_decision = 'granted'
	WHERE id IN (SELECT registration_id FROM letters WHERE superseded_at IS NULL);
