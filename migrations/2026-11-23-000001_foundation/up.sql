-- Accounts, sessions and the login throttle: the ground every other table stands on.

CREATE TABLE users (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username           TEXT NOT NULL CHECK (char_length(username) BETWEEN 3 AND 32),
    email              TEXT NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    email_confirmed_at TIMESTAMPTZ,
    password_hash      TEXT NOT NULL,
    role               TEXT NOT NULL DEFAULT 'member'
                       CHECK (role IN ('member', 'moderator', 'admin')),
    suspended_until    TIMESTAMPTZ,
    banned_at          TIMESTAMPTZ,
    time_zone          TEXT NOT NULL DEFAULT 'UTC',
    notify_default     BOOLEAN NOT NULL DEFAULT TRUE,
    post_count         INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at       TIMESTAMPTZ
);

-- Names and addresses are unique ignoring case; the index names are what the
-- application maps back to form errors.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_admins_idx ON users (id) WHERE role = 'admin';

-- Only the SHA-256 of a session token is stored, never the token itself.
CREATE TABLE sessions (
    token_hash   BYTEA PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    persistent   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Failed log-ins, kept in the database so the throttle holds across restarts and nodes.
CREATE TABLE login_failures (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_key TEXT NOT NULL,
    ip          TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_account_idx ON login_failures (account_key, created_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, created_at);
