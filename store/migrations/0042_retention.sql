-- Retention: an invoice never changes once issued, but for its billed
-- party, which is erased when the accounting retention the settings give
-- has passed.
DROP TRIGGER invoices_never_change;
CREATE TRIGGER invoices_never_change BEFORE UPDATE ON invoices
WHEN NOT (NEW.billed_name = '' AND NEW.billed_address = '' AND NEW.tax_id = '' AND NEW.id IS OLD.id
	AND NEW.series IS OLD.series AND NEW.number IS OLD.number AND NEW.registration_id IS OLD.registration_id
	AND NEW.amount IS OLD.amount AND NEW.currency IS OLD.currency AND NEW.credits IS OLD.credits
	AND NEW.reason IS OLD.reason AND NEW.language IS OLD.language AND NEW.issued_at IS OLD.issued_at
	AND NEW.issued_by IS OLD.issued_by) BEGIN
	SELECT RAISE(ABORT, 'an invoice is never changed once issued');
END;
