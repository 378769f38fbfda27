-- A thread page lists, under each of its posts, the replies quoting it. Finding them went
-- through the page's posts a second time; with the quoted post's place kept beside each
-- quote, one range of one index answers. Triggers keep the place right whatever writes
-- the rows: a quote takes its post's place when recorded, and follows the post when a
-- split, merge or move gives it another thread or number.
ALTER TABLE post_quotes ADD COLUMN quoted_thread_id BIGINT, ADD COLUMN quoted_position INTEGER;
UPDATE post_quotes q SET quoted_thread_id = p.thread_id, quoted_position = p.position
  FROM posts p WHERE p.id = q.quoted_post_id;
ALTER TABLE post_quotes ALTER COLUMN quoted_thread_id SET NOT NULL,
                        ALTER COLUMN quoted_position SET NOT NULL;
CREATE INDEX post_quotes_place_idx ON post_quotes (quoted_thread_id, quoted_position);

CREATE FUNCTION parley_quote_takes_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT p.thread_id, p.position INTO NEW.quoted_thread_id, NEW.quoted_position
      FROM posts p WHERE p.id = NEW.quoted_post_id;
    RETURN NEW;
END $$;
CREATE TRIGGER post_quotes_place BEFORE INSERT OR UPDATE OF quoted_post_id ON post_quotes
    FOR EACH ROW EXECUTE FUNCTION parley_quote_takes_place();

CREATE FUNCTION parley_quotes_follow_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE post_quotes SET quoted_thread_id = NEW.thread_id, quoted_position = NEW.position
     WHERE quoted_post_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER posts_quotes_follow AFTER UPDATE OF thread_id, position ON posts
    FOR EACH ROW
    WHEN (OLD.thread_id IS DISTINCT FROM NEW.thread_id OR OLD.position IS DISTINCT FROM NEW.position)
    EXECUTE FUNCTION parley_quotes_follow_post();
