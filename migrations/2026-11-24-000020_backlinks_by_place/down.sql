DROP TRIGGER posts_quotes_follow ON posts;
DROP FUNCTION parley_quotes_follow_post();
DROP TRIGGER post_quotes_place ON post_quotes;
DROP FUNCTION parley_quote_takes_place();
DROP INDEX post_quotes_place_idx;
ALTER TABLE post_quotes DROP COLUMN quoted_thread_id, DROP COLUMN quoted_position;
