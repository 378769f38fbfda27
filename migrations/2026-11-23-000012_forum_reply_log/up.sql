-- A reply is counted in its forum through this log instead of an UPDATE of the forum's row:
-- with every reply of a busy forum updating one row, replies queued behind each other's
-- row lock. The background worker of each node folds the log into `forums`
-- (`forums::store::fold_reply_counts`); pages that show forum counts add what is not
-- folded yet, so they are exact at every moment.
CREATE TABLE forum_reply_log (
    forum_id BIGINT NOT NULL,
    post_id  BIGINT NOT NULL
);

-- The forum start shows the counts: a logged reply makes its cached copies stale.
CREATE FUNCTION parley_forum_reply_logged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('parley_pages', 'forums');
    RETURN NULL;
END
$$;

CREATE TRIGGER forum_reply_log_pages AFTER INSERT ON forum_reply_log
    FOR EACH STATEMENT EXECUTE FUNCTION parley_forum_reply_logged();
