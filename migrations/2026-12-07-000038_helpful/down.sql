DROP TRIGGER helpful_counted ON helpful;
DROP FUNCTION parley_helpful_counted();
ALTER TABLE posts DROP COLUMN helpful_count;
DROP TABLE helpful;
