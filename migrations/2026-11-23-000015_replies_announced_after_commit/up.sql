-- A transaction that sends NOTIFY holds one lock for the whole database from its commit
-- until its commit record is on disk, so replies whose triggers notified were committed one
-- at a time (pgbench here: 16,700 inserts/s alone, 3,300/s with a NOTIFY each). The reply
-- statement (`forums::store::append_reply`) therefore marks itself by setting
-- `parley.announced_after_commit` to its statement_timestamp(), and these triggers stay
-- quiet for the rows it writes. Right after the commit the app announces the same tags
-- in a short transaction that does not wait for the disk; the fold of `forum_reply_log`
-- announces them once more, in case a node died in between. Any other statement, even in
-- the same transaction, has another timestamp and is announced by the triggers as before.
CREATE FUNCTION parley_pages_by_trigger() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT current_setting('parley.announced_after_commit', true) IS DISTINCT FROM statement_timestamp()::text
$$;

DROP TRIGGER posts_pages ON posts;
CREATE TRIGGER posts_pages AFTER INSERT OR UPDATE OR DELETE ON posts
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_pages_changed();
DROP TRIGGER threads_pages_update ON threads;
CREATE TRIGGER threads_pages_update AFTER UPDATE OF forum_id, author_id, title, slug, created_at,
        last_post_at, last_post_id, post_count, pinned, locked, hidden, solution_post_id,
        lock_reason, hidden_reason, approved, merged_into ON threads
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_pages_changed();
DROP TRIGGER post_quotes_pages ON post_quotes;
CREATE TRIGGER post_quotes_pages AFTER INSERT OR DELETE ON post_quotes
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_pages_changed();
DROP TRIGGER users_pages ON users;
CREATE TRIGGER users_pages AFTER UPDATE OF username, role, post_count, created_at ON users
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_pages_changed();

-- Only replies write the log: the app announces `forums` for them, and the fold's update of
-- `forums` announces it again.
DROP TRIGGER forum_reply_log_pages ON forum_reply_log;
DROP FUNCTION parley_forum_reply_logged();
