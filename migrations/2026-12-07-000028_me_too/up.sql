-- "Me too": members who have the same question as a thread's asker. Each row is one
-- member's press; pressing again deletes it.
CREATE TABLE me_too (
    thread_id        bigint NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The member chose to be mailed when the question is solved.
    tell_when_solved boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX me_too_user_idx ON me_too (user_id);

-- Lists sort by it and show it on every row: kept on the thread, in the same transaction.
ALTER TABLE threads ADD COLUMN me_too_count integer NOT NULL DEFAULT 0;

CREATE FUNCTION parley_me_too_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE threads SET me_too_count = me_too_count + 1 WHERE id = NEW.thread_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE threads SET me_too_count = me_too_count - 1 WHERE id = OLD.thread_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER me_too_counted AFTER INSERT OR DELETE ON me_too
    FOR EACH ROW EXECUTE FUNCTION parley_me_too_counted();

-- The count shows on the thread and in its forum's list.
DROP TRIGGER threads_pages_update ON threads;
CREATE TRIGGER threads_pages_update AFTER UPDATE OF forum_id, author_id, title, slug, created_at,
        last_post_at, last_post_id, post_count, pinned, locked, hidden, solution_post_id,
        lock_reason, hidden_reason, approved, merged_into, first_response_at, me_too_count ON threads
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_pages_changed();


-- `/t/{id}/me-too` is where the button posts: a thread of that slug gets another.
UPDATE threads SET slug = 'me-too-thread' WHERE slug = 'me-too';
