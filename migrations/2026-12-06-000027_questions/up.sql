-- A "Questions" forum's threads are questions, each "Unanswered", "Answered" or "Solved".
ALTER TABLE forums ADD COLUMN questions boolean NOT NULL DEFAULT false;
-- When someone other than the asker first replied where everyone can read it: the
-- question is "Answered" from then on, and the first-response clock stops there.
ALTER TABLE threads ADD COLUMN first_response_at timestamptz;

CREATE FUNCTION parley_first_response(thread bigint, asker bigint) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT min(p.created_at) FROM posts p
     WHERE p.thread_id = thread AND NOT p.hidden AND p.approved AND p.author_id <> asker
$$;

UPDATE threads SET first_response_at = parley_first_response(id, author_id);

-- A new post can only make the first response earlier: no thread is read again.
CREATE FUNCTION parley_first_responses_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE threads t SET first_response_at = n.at
      FROM (SELECT p.thread_id, min(p.created_at) AS at
              FROM new_posts p JOIN threads asked ON asked.id = p.thread_id
             WHERE NOT p.hidden AND p.approved AND p.author_id <> asked.author_id
             GROUP BY p.thread_id) n
     WHERE t.id = n.thread_id AND (t.first_response_at IS NULL OR t.first_response_at > n.at);
    RETURN NULL;
END
$$;

-- Hiding, approving, moving (split, merge) or deleting posts: the threads they left and
-- joined are counted again.
CREATE FUNCTION parley_first_responses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE threads t SET first_response_at = parley_first_response(t.id, t.author_id)
         WHERE t.id IN (SELECT thread_id FROM old_posts)
           AND t.first_response_at IS DISTINCT FROM parley_first_response(t.id, t.author_id);
    ELSE
        UPDATE threads t SET first_response_at = parley_first_response(t.id, t.author_id)
         WHERE t.id IN (SELECT unnest(ARRAY[o.thread_id, n.thread_id])
                          FROM old_posts o JOIN new_posts n ON n.id = o.id
                         WHERE (o.thread_id, o.hidden, o.approved, o.author_id)
                               IS DISTINCT FROM (n.thread_id, n.hidden, n.approved, n.author_id))
           AND t.first_response_at IS DISTINCT FROM parley_first_response(t.id, t.author_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER posts_first_response_written AFTER INSERT ON posts
    REFERENCING NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION parley_first_responses_written();
CREATE TRIGGER posts_first_response_updated AFTER UPDATE ON posts
    REFERENCING OLD TABLE AS old_posts NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION parley_first_responses_changed();
CREATE TRIGGER posts_first_response_deleted AFTER DELETE ON posts
    REFERENCING OLD TABLE AS old_posts
    FOR EACH STATEMENT EXECUTE FUNCTION parley_first_responses_changed();

-- A thread given another asker (a split hands the new thread to its first post's author).
CREATE FUNCTION parley_first_response_of_new_asker() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.first_response_at := parley_first_response(NEW.id, NEW.author_id);
    RETURN NEW;
END
$$;

CREATE TRIGGER threads_first_response_asker BEFORE UPDATE OF author_id ON threads
    FOR EACH ROW WHEN (OLD.author_id IS DISTINCT FROM NEW.author_id)
    EXECUTE FUNCTION parley_first_response_of_new_asker();

-- A question's state shows in its forum's list: a change to it refreshes that page.
DROP TRIGGER threads_pages_update ON threads;
CREATE TRIGGER threads_pages_update AFTER UPDATE OF forum_id, author_id, title, slug, created_at,
        last_post_at, last_post_id, post_count, pinned, locked, hidden, solution_post_id,
        lock_reason, hidden_reason, approved, merged_into, first_response_at ON threads
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_pages_changed();

-- Whether a forum is a Questions forum shows on each of its thread pages, which take it
-- from every node's copy of the forums' places.
DROP TRIGGER forums_places ON forums;
CREATE TRIGGER forums_places AFTER INSERT OR DELETE OR UPDATE OF slug, title, category_id, questions ON forums
    FOR EACH STATEMENT EXECUTE FUNCTION parley_forum_places_changed();
