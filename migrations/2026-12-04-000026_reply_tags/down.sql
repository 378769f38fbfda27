CREATE OR REPLACE FUNCTION parley_pages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'posts' THEN
        IF TG_OP <> 'INSERT' THEN
            PERFORM pg_notify('parley_pages', 'thread:' || OLD.thread_id);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM pg_notify('parley_pages', 'thread:' || NEW.thread_id);
        END IF;
    ELSIF TG_TABLE_NAME = 'threads' THEN
        IF TG_OP <> 'INSERT' THEN
            PERFORM pg_notify('parley_pages', 'thread:' || OLD.id);
            PERFORM pg_notify('parley_pages', 'forum:' || OLD.forum_id);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM pg_notify('parley_pages', 'thread:' || NEW.id);
            PERFORM pg_notify('parley_pages', 'forum:' || NEW.forum_id);
        END IF;
    ELSIF TG_TABLE_NAME = 'forums' THEN
        PERFORM pg_notify('parley_pages', 'forums');
        IF TG_OP <> 'INSERT' THEN
            PERFORM pg_notify('parley_pages', 'forum:' || OLD.id);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM pg_notify('parley_pages', 'forum:' || NEW.id);
        END IF;
    ELSIF TG_TABLE_NAME = 'categories' THEN
        PERFORM pg_notify('parley_pages', 'forums');
    ELSIF TG_TABLE_NAME = 'post_quotes' THEN
        -- "Quoted in" links under the quoted post, which may be in another thread.
        PERFORM pg_notify('parley_pages', 'thread:' || p.thread_id)
           FROM posts p
          WHERE p.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.quoted_post_id ELSE NEW.quoted_post_id END;
    ELSIF TG_TABLE_NAME = 'users' THEN
        -- Names appear in thread lists and on every page a member moderated: a rename
        -- (rare) refreshes everything; the rest shows beside the member's own posts.
        IF TG_OP = 'UPDATE' AND OLD.username IS DISTINCT FROM NEW.username THEN
            PERFORM pg_notify('parley_pages', 'all');
        ELSIF TG_OP = 'UPDATE' THEN
            PERFORM pg_notify('parley_pages', 'user:' || NEW.id);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

DROP FUNCTION parley_reply_tags(bigint, bigint, bigint, bigint[]);
