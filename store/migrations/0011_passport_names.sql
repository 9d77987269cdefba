-- The name exactly as the passport's Latin-letter line prints it, which
-- the invitation letter prints for the consulate to compare.
ALTER TABLE registrations ADD COLUMN passport_family_name TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN passport_given_names TEXT NOT NULL DEFAULT '';
