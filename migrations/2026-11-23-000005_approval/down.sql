DROP INDEX posts_pending_idx;
ALTER TABLE threads DROP COLUMN approved;
ALTER TABLE posts DROP COLUMN approved;
