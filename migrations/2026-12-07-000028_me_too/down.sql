DROP TRIGGER threads_pages_update ON threads;
CREATE TRIGGER threads_pages_update AFTER UPDATE OF forum_id, author_id, title, slug, created_at,
        last_post_at, last_post_id, post_count, pinned, locked, hidden, solution_post_id,
        lock_reason, hidden_reason, approved, merged_into, first_response_at ON threads
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_pages_changed();
DROP TRIGGER me_too_counted ON me_too;
DROP FUNCTION parley_me_too_counted();
ALTER TABLE threads DROP COLUMN me_too_count;
DROP TABLE me_too;
