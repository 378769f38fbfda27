-- A post's search vector holds its own words only: the words of the posts it quotes are
-- left out, so a search never finds a visible post by the text of a hidden one it quoted
-- (and a quoted answer is found once, where it was written). Quote blocks are removed
-- innermost first, as the markup parser pairs them; posts nest at most 16 deep.
CREATE FUNCTION post_own_text(source text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    before text;
    result text := source;
BEGIN
    IF result !~* '\[quote' THEN
        RETURN result;
    END IF;
    LOOP
        before := result;
        result := regexp_replace(
            result,
            '\[quote(=[^]\n]{0,99})?\](((?!\[/?quote(=[^]\n]{0,99})?\]).)*?)\[/quote\]',
            ' ',
            'gi');
        EXIT WHEN result = before;
    END LOOP;
    RETURN result;
END
$$;

ALTER TABLE posts DROP COLUMN body_tsv;
ALTER TABLE posts ADD COLUMN body_tsv tsvector
    GENERATED ALWAYS AS (setweight(to_tsvector('english', post_own_text(body_source)), 'B')) STORED;
CREATE INDEX posts_body_tsv_idx ON posts USING GIN (body_tsv);
ALTER TABLE posts ALTER COLUMN body_tsv SET STORAGE MAIN;
DO $$
BEGIN
    IF (SELECT 'lz4' = ANY (enumvals) FROM pg_settings
         WHERE name = 'default_toast_compression') THEN
        ALTER TABLE posts ALTER COLUMN body_tsv SET COMPRESSION lz4;
    END IF;
END
$$;
