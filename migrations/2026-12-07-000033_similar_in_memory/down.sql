CREATE INDEX threads_title_trgm ON threads USING gist (title gist_trgm_ops);
