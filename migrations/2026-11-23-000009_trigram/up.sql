-- Author names in search match by similarity, so "karin" finds "karen".
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_username_trgm_idx ON users USING GIN (lower(username) gin_trgm_ops);
