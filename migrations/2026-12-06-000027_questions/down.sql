DROP TRIGGER forums_places ON forums;
CREATE TRIGGER forums_places AFTER INSERT OR DELETE OR UPDATE OF slug, title, category_id ON forums
    FOR EACH STATEMENT EXECUTE FUNCTION parley_forum_places_changed();
DROP TRIGGER threads_pages_update ON threads;
CREATE TRIGGER threads_pages_update AFTER UPDATE OF forum_id, author_id, title, slug, created_at,
        last_post_at, last_post_id, post_count, pinned, locked, hidden, solution_post_id,
        lock_reason, hidden_reason, approved, merged_into ON threads
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_pages_changed();
DROP TRIGGER threads_first_response_asker ON threads;
DROP FUNCTION parley_first_response_of_new_asker();
DROP TRIGGER posts_first_response_deleted ON posts;
DROP TRIGGER posts_first_response_updated ON posts;
DROP TRIGGER posts_first_response_written ON posts;
DROP FUNCTION parley_first_responses_changed();
DROP FUNCTION parley_first_responses_written();
DROP FUNCTION parley_first_response(bigint, bigint);
ALTER TABLE threads DROP COLUMN first_response_at;
ALTER TABLE forums DROP COLUMN questions;
