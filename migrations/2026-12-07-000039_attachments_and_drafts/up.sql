-- Files attached to posts. A row without a post is an upload whose post is not written
-- yet (the composer holds its id); those older than a day are purged.
CREATE TABLE attachments (
    id           BIGSERIAL PRIMARY KEY,
    uploader_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id      BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    width        INTEGER,
    height       INTEGER,
    data         BYTEA NOT NULL,
    thumbnail    BYTEA,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX attachments_by_post ON attachments (post_id, id) WHERE post_id IS NOT NULL;
CREATE INDEX attachments_orphaned ON attachments (created_at) WHERE post_id IS NULL;
CREATE INDEX attachments_by_uploader ON attachments (uploader_id, created_at);
-- Pictures, PDFs and archives are compressed already; stored as they are, a range of a
-- large file is read without unpacking all of it.
ALTER TABLE attachments ALTER COLUMN data SET STORAGE EXTERNAL;

-- Unfinished new threads, one per member and forum (replies have reply_drafts).
CREATE TABLE thread_drafts (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    forum_id   BIGINT NOT NULL REFERENCES forums (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, forum_id)
);
CREATE INDEX reply_drafts_by_user ON reply_drafts (user_id, updated_at);

-- When each quote was made: a quoted post edited after that shows "edited since".
ALTER TABLE post_quotes ADD COLUMN quoted_at TIMESTAMPTZ NOT NULL DEFAULT now();

-- "@" suggestions look members up by the start of their name.
CREATE INDEX users_username_prefix ON users (lower(username) text_pattern_ops);

-- How many files each post carries, kept by a trigger so that a thread page reads the
-- files only of posts that have some.
ALTER TABLE posts ADD COLUMN attachment_count integer NOT NULL DEFAULT 0;

CREATE FUNCTION parley_attachments_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.post_id IS NOT NULL THEN
        UPDATE posts SET attachment_count = attachment_count - 1 WHERE id = OLD.post_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.post_id IS NOT NULL THEN
        UPDATE posts SET attachment_count = attachment_count + 1 WHERE id = NEW.post_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER attachments_counted AFTER INSERT OR DELETE OR UPDATE OF post_id ON attachments
    FOR EACH ROW EXECUTE FUNCTION parley_attachments_counted();

-- Readers' cached thread pages list a post's files: attaching or removing one announces
-- the thread (a new post announces its thread itself).
CREATE FUNCTION parley_attachments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('parley_pages', 'thread:' || p.thread_id)
       FROM posts p
      WHERE p.id IN (CASE WHEN TG_OP = 'DELETE' THEN OLD.post_id ELSE NEW.post_id END,
                     CASE WHEN TG_OP = 'UPDATE' THEN OLD.post_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER attachments_pages AFTER UPDATE OF post_id OR DELETE ON attachments
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_attachments_changed();
