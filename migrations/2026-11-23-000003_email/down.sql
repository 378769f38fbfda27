DROP TABLE site_secrets;
ALTER TABLE users DROP COLUMN notify_mode, DROP COLUMN digest_sent_at, DROP COLUMN confirmation_sent_at;
DROP TABLE digest_items;
DROP TABLE subscriptions;
DROP TABLE email_tokens;
DROP TABLE notification_events;
DROP TABLE outbox;
