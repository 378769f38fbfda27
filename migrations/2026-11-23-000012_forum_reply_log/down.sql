DROP TABLE forum_reply_log;
DROP FUNCTION parley_forum_reply_logged();
