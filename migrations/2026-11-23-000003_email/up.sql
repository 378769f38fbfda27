-- E-mail: the outbox, the events that fan out into it, tokens, subscriptions and digests.

-- Every mail Parley sends is first a row here, written in the same transaction as what
-- caused it. Workers claim due rows with FOR UPDATE SKIP LOCKED and a lease.
CREATE TABLE outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    headers         TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_until    TIMESTAMPTZ,
    sent_at         TIMESTAMPTZ,
    failed_at       TIMESTAMPTZ,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_failed_idx ON outbox (failed_at) WHERE failed_at IS NOT NULL;

-- A post that may concern others; the worker expands it into mail, so a request never
-- pays for the number of watchers.
CREATE TABLE notification_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('reply', 'thread')),
    post_id      BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    processed_at TIMESTAMPTZ
);
CREATE INDEX notification_events_pending_idx ON notification_events (id) WHERE processed_at IS NULL;

-- Single-use links for confirming an address and resetting a password (hash only).
CREATE TABLE email_tokens (
    token_hash BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('confirm', 'reset')),
    email      TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);

CREATE TABLE subscriptions (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id      BIGINT REFERENCES threads (id) ON DELETE CASCADE,
    forum_id       BIGINT REFERENCES forums (id) ON DELETE CASCADE,
    mode           TEXT NOT NULL DEFAULT 'immediate' CHECK (mode IN ('immediate', 'daily', 'off')),
    -- Set when a reply mail went out; cleared when the member visits: one mail, no flood.
    awaiting_visit BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((thread_id IS NULL) <> (forum_id IS NULL))
);
CREATE UNIQUE INDEX subscriptions_thread_key ON subscriptions (user_id, thread_id) WHERE thread_id IS NOT NULL;
CREATE UNIQUE INDEX subscriptions_forum_key ON subscriptions (user_id, forum_id) WHERE forum_id IS NOT NULL;
CREATE INDEX subscriptions_thread_idx ON subscriptions (thread_id) WHERE thread_id IS NOT NULL;
CREATE INDEX subscriptions_forum_idx ON subscriptions (forum_id) WHERE forum_id IS NOT NULL;

-- Replies waiting for a member's daily digest.
CREATE TABLE digest_items (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, post_id)
);

ALTER TABLE users
    ADD COLUMN notify_mode TEXT NOT NULL DEFAULT 'immediate' CHECK (notify_mode IN ('immediate', 'daily', 'off')),
    ADD COLUMN digest_sent_at TIMESTAMPTZ,
    ADD COLUMN confirmation_sent_at TIMESTAMPTZ;

-- Secrets shared by every node (e.g. the key that signs unsubscribe links), created by the
-- first node that needs one.
CREATE TABLE site_secrets (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);
