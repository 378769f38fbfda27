-- The confusable skeleton (Unicode TR 39) of each user name, so that a name that only
-- looks like another (a Cyrillic "а" for a Latin "a") is refused. Computed by the app;
-- accounts from before this column are filled in at start-up.
ALTER TABLE users ADD COLUMN name_skeleton text;
CREATE UNIQUE INDEX users_name_skeleton_key ON users (name_skeleton);
