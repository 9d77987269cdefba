-- A category's list in arrival order reads its index in order instead of
-- sorting every registration of the category.
DROP INDEX registrations_category;
CREATE INDEX registrations_category ON registrations (category, created_at);
