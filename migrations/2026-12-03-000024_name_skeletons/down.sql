DROP INDEX users_name_skeleton_key;
ALTER TABLE users DROP COLUMN name_skeleton;
