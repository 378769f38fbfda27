-- Hidden and unapproved threads are few: search excludes their posts by looking them up
-- here instead of joining every candidate post to its thread.
CREATE INDEX threads_unlisted_idx ON threads (id) WHERE hidden OR NOT approved;
