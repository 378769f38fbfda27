-- Every limit (posting, registration, reports, previews, password resets, the log-in
-- throttle) keeps the times of its recent uses in one row per key, so that checking and
-- counting a use is one statement on one locked row: parallel requests cannot all pass a
-- limit that each of them read before the others counted.
CREATE TABLE rate_limits (
    key    TEXT PRIMARY KEY,
    events TIMESTAMPTZ[] NOT NULL
);

DROP TABLE rate_events;
DROP TABLE login_failures;

-- One-time log-in links: the way in for an owner whose password failed logins of others
-- hold back.
ALTER TABLE email_tokens DROP CONSTRAINT email_tokens_purpose_check;
ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
    CHECK (purpose IN ('confirm', 'reset', 'login'));
