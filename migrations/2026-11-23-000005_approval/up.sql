-- The approval queue: posts of new members that wait for a moderator before anyone else
-- sees them (and before anyone is notified).
ALTER TABLE posts ADD COLUMN approved BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE threads ADD COLUMN approved BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX posts_pending_idx ON posts (created_at) WHERE NOT approved;
