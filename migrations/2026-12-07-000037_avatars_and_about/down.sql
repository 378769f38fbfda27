ALTER TABLE users DROP COLUMN about_html, DROP COLUMN about_source;
DROP TABLE avatars;
