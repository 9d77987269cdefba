-- An invoice of several fees: a delegation's, billed to the body that
-- pays them all, one line a member. The invoice's own registration is
-- its first line's, so that what follows an invoice by its registration
-- (retention, the finance exports) still finds it.
ALTER TABLE invoices ADD COLUMN delegation_id INTEGER REFERENCES delegations (id);
CREATE INDEX invoices_delegation ON invoices (delegation_id, id) WHERE delegation_id IS NOT NULL;
CREATE TABLE invoice_lines (
	invoice_id INTEGER NOT NULL REFERENCES invoices (id),
	line INTEGER NOT NULL, -- its place on the invoice, from 1
	registration_id INTEGER NOT NULL REFERENCES registrations (id),
	amount INTEGER NOT NULL CHECK (amount > 0),
	PRIMARY KEY (invoice_id, line),
	UNIQUE (invoice_id, registration_id)
) WITHOUT ROWID;
CREATE INDEX invoice_lines_registration ON invoice_lines (registration_id, invoice_id);
CREATE TRIGGER invoice_lines_never_change BEFORE UPDATE ON invoice_lines BEGIN
	SELECT RAISE(ABORT, 'an invoice is never changed once issued');
END;
CREATE TRIGGER invoice_lines_never_deleted BEFORE DELETE ON invoice_lines BEGIN
	SELECT RAISE(ABORT, 'an invoice is never deleted');
END;
