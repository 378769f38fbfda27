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
