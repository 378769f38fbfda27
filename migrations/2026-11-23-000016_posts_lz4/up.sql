-- Thread pages decompress post bodies and search decompresses their vectors; lz4 does
-- that several times faster than the default pglz. Rows written before keep pglz until
-- they are rewritten. A server built without lz4 keeps pglz.
DO $$
BEGIN
    IF (SELECT 'lz4' = ANY (enumvals) FROM pg_settings
         WHERE name = 'default_toast_compression') THEN
        ALTER TABLE posts
            ALTER COLUMN body_source SET COMPRESSION lz4,
            ALTER COLUMN body_html SET COMPRESSION lz4,
            ALTER COLUMN body_tsv SET COMPRESSION lz4;
    END IF;
END
$$;
