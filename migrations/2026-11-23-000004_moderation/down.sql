DROP TABLE rate_events;
DROP TABLE moderation_log;
DROP TABLE reports;
ALTER TABLE users DROP COLUMN suspension_reason, DROP COLUMN ban_reason;
ALTER TABLE threads DROP COLUMN lock_reason, DROP COLUMN hidden_reason;
ALTER TABLE posts DROP COLUMN hidden_reason, DROP COLUMN ip_address;
