-- A payment whose amount or currency is not the fee due is kept, not
-- counted: flagged says why, for finance to look at.
ALTER TABLE payments ADD COLUMN flagged TEXT NOT NULL DEFAULT '';
