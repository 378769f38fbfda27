CREATE FUNCTION parley_forum_reply_logged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('parley_pages', 'forums');
    RETURN NULL;
END
$$;
CREATE TRIGGER forum_reply_log_pages AFTER INSERT ON forum_reply_log
    FOR EACH STATEMENT EXECUTE FUNCTION parley_forum_reply_logged();

DROP TRIGGER posts_pages ON posts;
CREATE TRIGGER posts_pages AFTER INSERT OR UPDATE OR DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION parley_pages_changed();
DROP TRIGGER threads_pages_update ON threads;
CREATE TRIGGER threads_pages_update AFTER UPDATE OF forum_id, author_id, title, slug, created_at,
        last_post_at, last_post_id, post_count, pinned, locked, hidden, solution_post_id,
        lock_reason, hidden_reason, approved, merged_into ON threads
    FOR EACH ROW EXECUTE FUNCTION parley_pages_changed();
DROP TRIGGER post_quotes_pages ON post_quotes;
CREATE TRIGGER post_quotes_pages AFTER INSERT OR DELETE ON post_quotes
    FOR EACH ROW EXECUTE FUNCTION parley_pages_changed();
DROP TRIGGER users_pages ON users;
CREATE TRIGGER users_pages AFTER UPDATE OF username, role, post_count, created_at ON users
    FOR EACH ROW EXECUTE FUNCTION parley_pages_changed();

DROP FUNCTION parley_pages_by_trigger();
