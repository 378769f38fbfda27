ALTER TABLE forum_reply_log DROP CONSTRAINT forum_reply_log_pkey;
