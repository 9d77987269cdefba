-- Invoices and credit notes, each numbered in its own series without gap
-- or repeat (the next number is taken in the single writer's
-- transaction), and never changed or deleted once issued.
CREATE TABLE invoices (
	id INTEGER PRIMARY KEY,
	series TEXT NOT NULL CHECK (series IN ('invoice', 'credit_note')),
	number INTEGER NOT NULL CHECK (number > 0),
	registration_id INTEGER NOT NULL REFERENCES registrations (id),
	billed_name TEXT NOT NULL,
	billed_address TEXT NOT NULL DEFAULT '',
	tax_id TEXT NOT NULL DEFAULT '',
	amount INTEGER NOT NULL CHECK (amount > 0),
	currency TEXT NOT NULL,
	credits INTEGER REFERENCES invoices (id), -- a credit note's invoice
	reason TEXT NOT NULL DEFAULT '',
	language TEXT NOT NULL,
	issued_at TEXT NOT NULL,
	issued_by TEXT NOT NULL,
	UNIQUE (series, number)
);
CREATE INDEX invoices_registration ON invoices (registration_id, id);
CREATE INDEX invoices_credits ON invoices (credits) WHERE credits IS NOT NULL;

CREATE TRIGGER invoices_never_change BEFORE UPDATE ON invoices BEGIN
	SELECT RAISE(ABORT, 'an invoice is never changed once issued');
END;
CREATE TRIGGER invoices_never_deleted BEFORE DELETE ON invoices BEGIN
	SELECT RAISE(ABORT, 'an invoice is never deleted');
END;
