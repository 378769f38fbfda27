DROP INDEX posts_body_tsv_idx;
DROP INDEX threads_title_tsv_idx;
ALTER TABLE posts DROP COLUMN body_tsv;
ALTER TABLE threads DROP COLUMN title_tsv;
