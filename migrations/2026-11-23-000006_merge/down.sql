ALTER TABLE threads DROP COLUMN merged_into;
