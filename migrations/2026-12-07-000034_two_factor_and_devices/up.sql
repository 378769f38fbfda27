-- Two-factor log-in (TOTP, RFC 6238). The secret waits in `totp_pending_secret` until the
-- member proves their app has it; `totp_last_step` keeps a code from being used twice.
ALTER TABLE users
    ADD COLUMN totp_secret bytea,
    ADD COLUMN totp_pending_secret bytea,
    ADD COLUMN totp_enabled_at timestamptz,
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT users_totp_enabled CHECK ((totp_secret IS NULL) = (totp_enabled_at IS NULL));

-- One-time recovery codes, only their SHA-256 kept.
CREATE TABLE recovery_codes (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- A log-in whose password was right and whose second step is still to come.
CREATE TABLE login_challenges (
    token_hash bytea PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    remember boolean NOT NULL,
    next text,
    draft text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX login_challenges_user ON login_challenges (user_id);

-- Browsers whose owner ticked "Trust this device for 30 days" after the second step.
CREATE TABLE trusted_devices (
    token_hash bytea PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);

-- The sessions page names a session by a number, never by its token's hash, and shows
-- the address it was last used from.
ALTER TABLE sessions
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY,
    ADD COLUMN ip text NOT NULL DEFAULT '',
    ADD CONSTRAINT sessions_id_key UNIQUE (id);

-- Choices administrators make in the forum rather than in the configuration file.
CREATE TABLE site_settings (
    name text PRIMARY KEY,
    value text NOT NULL,
    changed_by bigint REFERENCES users (id) ON DELETE SET NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
