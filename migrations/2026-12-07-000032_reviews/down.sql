DROP INDEX faq_articles_review;
DROP INDEX threads_answer_review;
DROP TRIGGER threads_pages_update ON threads;
CREATE TRIGGER threads_pages_update AFTER UPDATE OF forum_id, author_id, title, slug, created_at,
        last_post_at, last_post_id, post_count, pinned, locked, hidden, solution_post_id,
        lock_reason, hidden_reason, approved, merged_into, first_response_at, me_too_count ON threads
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_pages_changed();
DROP TRIGGER faq_review_on_change ON faq_articles;
DROP TRIGGER faq_review_on_insert ON faq_articles;
DROP FUNCTION faq_review_on();
DROP TRIGGER answers_edited ON posts;
DROP FUNCTION answers_edited();
CREATE OR REPLACE FUNCTION threads_solved_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.solution_post_id IS NULL THEN
        NEW.solved_at := NULL;
    ELSIF OLD.solution_post_id IS NULL THEN
        NEW.solved_at := now();
    END IF;
    RETURN NEW;
END $$;
ALTER TABLE faq_articles DROP COLUMN outdated_at, DROP COLUMN review_on;
ALTER TABLE threads DROP COLUMN answer_outdated_at, DROP COLUMN answer_review_on;
