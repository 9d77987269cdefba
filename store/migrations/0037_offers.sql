-- Waiting-list offers: a place held for a waitlisted delegate until
-- offer_until (the setting offer_hours), which they accept on their private
-- page; an offer that lapses sets offer_passed and goes to the next one.
ALTER TABLE registrations ADD COLUMN offer_until TEXT;
ALTER TABLE registrations ADD COLUMN offer_passed INTEGER NOT NULL DEFAULT 0;

-- The open offers, soonest deadline first: they hold places, so counting
-- them reads this index alone (never more rows than the capacity).
CREATE INDEX registrations_offers ON registrations (offer_until) WHERE offer_until IS NOT NULL;
-- The waiting list in its order, those still to be offered a place.
CREATE INDEX registrations_waiting ON registrations (created_at, id)
	WHERE status = 'waitlisted' AND offer_until IS NULL AND offer_passed = 0;
