DELETE FROM email_tokens WHERE purpose = 'export';
ALTER TABLE email_tokens DROP CONSTRAINT email_tokens_purpose_check;
ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
    CHECK (purpose IN ('confirm', 'reset', 'login'));
ALTER TABLE users DROP COLUMN deleted_at;
