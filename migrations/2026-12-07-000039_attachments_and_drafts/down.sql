DROP TRIGGER attachments_pages ON attachments;
DROP FUNCTION parley_attachments_changed();
DROP INDEX users_username_prefix;
ALTER TABLE post_quotes DROP COLUMN quoted_at;
DROP INDEX reply_drafts_by_user;
DROP TABLE thread_drafts;
DROP TABLE attachments;
DROP FUNCTION parley_attachments_counted();
ALTER TABLE posts DROP COLUMN attachment_count;
