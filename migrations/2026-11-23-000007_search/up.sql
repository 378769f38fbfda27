-- Full-text search: thread titles (weight A) and post bodies (weight B), kept by PostgreSQL.
ALTER TABLE threads ADD COLUMN title_tsv tsvector
    GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A')) STORED;
ALTER TABLE posts ADD COLUMN body_tsv tsvector
    GENERATED ALWAYS AS (setweight(to_tsvector('english', body_source), 'B')) STORED;
CREATE INDEX threads_title_tsv_idx ON threads USING GIN (title_tsv);
CREATE INDEX posts_body_tsv_idx ON posts USING GIN (body_tsv);
