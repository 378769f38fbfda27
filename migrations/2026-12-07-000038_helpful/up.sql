-- "Helpful": one mark per member per post. The count on the post is kept by a trigger, so
-- that the thread page reads it with the post and every way of adding or removing a mark
-- (a member, a deleted account, a deleted post) keeps it right.
CREATE TABLE helpful (
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX helpful_user ON helpful (user_id, post_id);

ALTER TABLE posts ADD COLUMN helpful_count integer NOT NULL DEFAULT 0;

CREATE FUNCTION parley_helpful_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE posts SET helpful_count = helpful_count + 1 WHERE id = NEW.post_id;
    ELSE
        UPDATE posts SET helpful_count = helpful_count - 1 WHERE id = OLD.post_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER helpful_counted AFTER INSERT OR DELETE ON helpful
    FOR EACH ROW EXECUTE FUNCTION parley_helpful_counted();
