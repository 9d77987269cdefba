-- The mail worker reads queued messages oldest first, fifty at a time: an
-- index of the queued ones in that order, so that a batch reads fifty rows
-- (and those waiting to be retried) instead of sorting the whole queue.
CREATE INDEX outbox_queued ON outbox (id) WHERE status = 'queued';
