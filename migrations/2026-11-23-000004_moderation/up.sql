-- Moderation: reasons for removals and locks, sanctions, reports, rate limits and the log.

ALTER TABLE posts
    ADD COLUMN hidden_reason TEXT,
    ADD COLUMN ip_address TEXT;

ALTER TABLE threads
    ADD COLUMN lock_reason TEXT,
    ADD COLUMN hidden_reason TEXT;

ALTER TABLE users
    ADD COLUMN suspension_reason TEXT,
    ADD COLUMN ban_reason TEXT;

CREATE TABLE reports (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id     BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL CHECK (reason IN ('abusive', 'spam', 'off-topic', 'other')),
    details     TEXT NOT NULL DEFAULT '' CHECK (char_length(details) <= 1000),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    resolved_by BIGINT REFERENCES users (id),
    resolved_at TIMESTAMPTZ,
    outcome     TEXT
);
-- One open report per member per post.
CREATE UNIQUE INDEX reports_open_key ON reports (post_id, reporter_id) WHERE resolved_at IS NULL;
CREATE INDEX reports_open_idx ON reports (created_at) WHERE resolved_at IS NULL;

-- Every moderator action; never edited or deleted from the web.
CREATE TABLE moderation_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id       BIGINT NOT NULL REFERENCES users (id),
    action         TEXT NOT NULL,
    target_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    target         TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX moderation_log_created_idx ON moderation_log (created_at DESC);
CREATE INDEX moderation_log_actor_idx ON moderation_log (actor_id, created_at DESC);
CREATE INDEX moderation_log_target_user_idx ON moderation_log (target_user_id, created_at DESC);

-- Rate-limited actions, counted in the database so limits hold across nodes.
CREATE TABLE rate_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX rate_events_key_idx ON rate_events (key, created_at);
