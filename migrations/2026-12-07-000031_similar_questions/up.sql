-- "Similar questions": titles are matched by their words (title_tsv) and by trigram
-- similarity, so that a typo or a product code still finds its match.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX threads_title_trgm ON threads USING gist (title gist_trgm_ops);
