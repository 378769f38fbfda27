-- "Review": an accepted answer and a FAQ article are looked at again by a date, by
-- default 12 months after the answer was accepted or last edited (an article: written or
-- last changed). A moderator says "Still right" (a new date) or "Outdated" (readers are
-- told so, until a moderator says it is right again).
ALTER TABLE threads
    ADD COLUMN answer_review_on   date,
    ADD COLUMN answer_outdated_at timestamptz;
ALTER TABLE faq_articles
    ADD COLUMN review_on   date,
    ADD COLUMN outdated_at timestamptz;

UPDATE threads SET answer_review_on = (coalesce(solved_at, created_at) + interval '12 months')::date
 WHERE solution_post_id IS NOT NULL;
UPDATE faq_articles SET review_on = (updated_at + interval '12 months')::date;
ALTER TABLE faq_articles ALTER COLUMN review_on SET NOT NULL;

-- A new accepted answer starts its own review clock, with no outdated mark.
CREATE OR REPLACE FUNCTION threads_solved_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.solution_post_id IS NULL THEN
        NEW.solved_at := NULL;
        NEW.answer_review_on := NULL;
        NEW.answer_outdated_at := NULL;
    ELSE
        IF OLD.solution_post_id IS NULL THEN
            NEW.solved_at := now();
        END IF;
        NEW.answer_review_on := (now() + interval '12 months')::date;
        NEW.answer_outdated_at := NULL;
    END IF;
    RETURN NEW;
END $$;

-- An edit of the accepted answer moves its review date to 12 months after the edit.
CREATE FUNCTION answers_edited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE threads SET answer_review_on = (NEW.edited_at + interval '12 months')::date
     WHERE id = NEW.thread_id AND solution_post_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER answers_edited AFTER UPDATE OF edited_at ON posts
    FOR EACH ROW WHEN (NEW.edited_at IS DISTINCT FROM OLD.edited_at AND NEW.edited_at IS NOT NULL)
    EXECUTE FUNCTION answers_edited();

-- Writing or changing an article starts its review clock again.
CREATE FUNCTION faq_review_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.review_on := (now() + interval '12 months')::date;
    RETURN NEW;
END $$;
CREATE TRIGGER faq_review_on_insert BEFORE INSERT ON faq_articles
    FOR EACH ROW EXECUTE FUNCTION faq_review_on();
CREATE TRIGGER faq_review_on_change BEFORE UPDATE OF title, body_source ON faq_articles
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body_source IS DISTINCT FROM NEW.body_source)
    EXECUTE FUNCTION faq_review_on();

-- Readers' cached thread pages show the outdated mark: its change announces the thread.
DROP TRIGGER threads_pages_update ON threads;
CREATE TRIGGER threads_pages_update AFTER UPDATE OF forum_id, author_id, title, slug, created_at,
        last_post_at, last_post_id, post_count, pinned, locked, hidden, solution_post_id,
        lock_reason, hidden_reason, approved, merged_into, first_response_at, me_too_count,
        answer_outdated_at ON threads
    FOR EACH ROW WHEN (parley_pages_by_trigger()) EXECUTE FUNCTION parley_pages_changed();

-- The review list reads what is due soonest.
CREATE INDEX threads_answer_review ON threads (answer_review_on) WHERE solution_post_id IS NOT NULL;
CREATE INDEX faq_articles_review ON faq_articles (review_on);
