-- Each reply is logged once: its post is the natural key (and diesel's schema printer
-- wants every table to have one).
ALTER TABLE forum_reply_log ADD PRIMARY KEY (post_id);
