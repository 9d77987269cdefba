-- Refunds finance asks Stripe for: what was asked, and what Stripe said.
-- The money is recorded (a payments row) only when Stripe confirms it.
CREATE TABLE refunds (
	id INTEGER PRIMARY KEY,
	registration_id INTEGER NOT NULL REFERENCES registrations (id),
	payment_intent TEXT NOT NULL,
	amount INTEGER NOT NULL CHECK (amount > 0),
	currency TEXT NOT NULL,
	reason TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'requested',
	stripe_id TEXT UNIQUE,
	actor TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX refunds_registration ON refunds (registration_id);
