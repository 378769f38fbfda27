-- A mail being sent is held by a row lock of the sending transaction, not a lease: a worker
-- that dies releases it with its connection instead of after a timeout.
ALTER TABLE outbox DROP COLUMN locked_until;
