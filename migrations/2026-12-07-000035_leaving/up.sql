-- A member who deleted their account (or whose account an administrator deleted) stays as
-- "former member N", so that their posts, quotes and counts still hold together.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;

-- "Download my data" mails a link that works once.
ALTER TABLE email_tokens DROP CONSTRAINT email_tokens_purpose_check;
ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
    CHECK (purpose IN ('confirm', 'reset', 'login', 'export'));
