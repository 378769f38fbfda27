DROP INDEX threads_listing_idx;
CREATE INDEX threads_listing_idx ON threads (forum_id, pinned DESC, last_post_at DESC);
ALTER TABLE threads DROP COLUMN last_post_author_id;
