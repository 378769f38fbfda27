-- Pages read body_html and search reads body_tsv: both stay in the row (compressed) and
-- the source, read only to edit or quote, is the first to move out of line. Rows
-- written earlier keep their layout until they are written again.
ALTER TABLE posts
    ALTER COLUMN body_html SET STORAGE MAIN,
    ALTER COLUMN body_tsv SET STORAGE MAIN;
