ALTER TABLE posts DROP COLUMN body_tsv;
ALTER TABLE posts ADD COLUMN body_tsv tsvector
    GENERATED ALWAYS AS (setweight(to_tsvector('english', body_source), 'B')) STORED;
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
DROP FUNCTION post_own_text(text);
