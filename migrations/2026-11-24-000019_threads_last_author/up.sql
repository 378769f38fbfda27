-- The forum listing shows who wrote each thread's last post. Looking that post up for
-- each of the 25 listed threads was most of the listing's cost, so the thread row keeps
-- the author beside `last_post_id`; every statement that sets one sets the other. A post's
-- author never changes and members are never deleted, so no foreign key is checked on the
-- busiest write (a reply).
ALTER TABLE threads ADD COLUMN last_post_author_id BIGINT;
UPDATE threads t SET last_post_author_id = p.author_id FROM posts p WHERE p.id = t.last_post_id;

-- The listing's own order, ties included: the index hands over the first 25 threads ready
-- sorted, instead of one more to sort by id.
DROP INDEX threads_listing_idx;
CREATE INDEX threads_listing_idx ON threads (forum_id, pinned DESC, last_post_at DESC, id DESC);
