-- The forget-request-records job deletes retry keys (idempotency_keys) a month old and failed sign-in
-- records two days old; this index keeps the first from reading the whole table each day.
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
