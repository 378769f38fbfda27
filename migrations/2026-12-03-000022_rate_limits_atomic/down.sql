DROP TABLE rate_limits;

CREATE TABLE rate_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX rate_events_key_idx ON rate_events (key, created_at);

CREATE TABLE login_failures (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_key TEXT NOT NULL,
    ip          TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_account_idx ON login_failures (account_key, created_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, created_at);

DELETE FROM email_tokens WHERE purpose = 'login';
ALTER TABLE email_tokens DROP CONSTRAINT email_tokens_purpose_check;
ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
    CHECK (purpose IN ('confirm', 'reset'));
