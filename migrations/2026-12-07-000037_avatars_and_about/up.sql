-- Avatars as Parley drew them again (JPEG in two sizes), named by a hash of the large one
-- so that their addresses can be cached for ever.
CREATE TABLE avatars (
    user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    hash text NOT NULL,
    large bytea NOT NULL,
    small bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- "About" on a profile: CommonMark as written, and as rendered and sanitized.
ALTER TABLE users
    ADD COLUMN about_source text NOT NULL DEFAULT '',
    ADD COLUMN about_html text NOT NULL DEFAULT '';
