-- Fees of live registrations by category, payment status and currency:
-- how many (dim 'fees') and how much (dim 'fees_amount'), key
-- "{category}|{payment_status}|{currency}"; and money moved by method
-- (dim 'moved', key "{kind}|{method}|{currency}", the sum of amounts),
-- kept like the other tallies (0018) for the finance page.
CREATE TRIGGER tallies_fees_insert AFTER INSERT ON registrations
WHEN NEW.fee_amount > 0 AND NEW.status IN ('pending', 'approved', 'waitlisted') BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('fees', NEW.category || '|' || NEW.payment_status || '|' || NEW.fee_currency, 1)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
	INSERT INTO tallies (dim, key, n) VALUES ('fees_amount', NEW.category || '|' || NEW.payment_status || '|' || NEW.fee_currency, NEW.fee_amount)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_fees_delete AFTER DELETE ON registrations
WHEN OLD.fee_amount > 0 AND OLD.status IN ('pending', 'approved', 'waitlisted') BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('fees', OLD.category || '|' || OLD.payment_status || '|' || OLD.fee_currency, -1)
		ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
	INSERT INTO tallies (dim, key, n) VALUES ('fees_amount', OLD.category || '|' || OLD.payment_status || '|' || OLD.fee_currency, -OLD.fee_amount)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_fees_update AFTER UPDATE OF status, category, payment_status, fee_amount, fee_currency ON registrations BEGIN
	INSERT INTO tallies (dim, key, n) SELECT 'fees', OLD.category || '|' || OLD.payment_status || '|' || OLD.fee_currency, -1
		WHERE OLD.fee_amount > 0 AND OLD.status IN ('pending', 'approved', 'waitlisted')
		ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
	INSERT INTO tallies (dim, key, n) SELECT 'fees_amount', OLD.category || '|' || OLD.payment_status || '|' || OLD.fee_currency, -OLD.fee_amount
		WHERE OLD.fee_amount > 0 AND OLD.status IN ('pending', 'approved', 'waitlisted')
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
	INSERT INTO tallies (dim, key, n) SELECT 'fees', NEW.category || '|' || NEW.payment_status || '|' || NEW.fee_currency, 1
		WHERE NEW.fee_amount > 0 AND NEW.status IN ('pending', 'approved', 'waitlisted')
		ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
	INSERT INTO tallies (dim, key, n) SELECT 'fees_amount', NEW.category || '|' || NEW.payment_status || '|' || NEW.fee_currency, NEW.fee_amount
		WHERE NEW.fee_amount > 0 AND NEW.status IN ('pending', 'approved', 'waitlisted')
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER tallies_moved_insert AFTER INSERT ON payments
WHEN NEW.flagged <> 'amount_mismatch' BEGIN
	INSERT INTO tallies (dim, key, n) VALUES ('moved', NEW.kind || '|' || NEW.method || '|' || NEW.currency, NEW.amount)
		ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n;
END;

INSERT INTO tallies (dim, key, n)
SELECT 'fees', category || '|' || payment_status || '|' || fee_currency, count(*) FROM registrations
WHERE fee_amount > 0 AND status IN ('pending', 'approved', 'waitlisted') GROUP BY 2;
INSERT INTO tallies (dim, key, n)
SELECT 'fees_amount', category || '|' || payment_status || '|' || fee_currency, sum(fee_amount) FROM registrations
WHERE fee_amount > 0 AND status IN ('pending', 'approved', 'waitlisted') GROUP BY 2;
INSERT INTO tallies (dim, key, n)
SELECT 'moved', kind || '|' || method || '|' || currency, sum(amount) FROM payments WHERE flagged <> 'amount_mismatch' GROUP BY 2;
