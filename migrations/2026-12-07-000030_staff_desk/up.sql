-- Staff groups ("Billing", "Tier 2"): their members are staff, like moderators.
CREATE TABLE staff_groups (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_groups_name_key ON staff_groups (lower(name));

CREATE TABLE staff_group_members (
    group_id bigint NOT NULL REFERENCES staff_groups (id) ON DELETE CASCADE,
    user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
-- The session look-up asks whether a member is in any group.
CREATE INDEX staff_group_members_user ON staff_group_members (user_id);

-- Who has a question: one person or one group, never both.
ALTER TABLE threads
    ADD COLUMN assigned_user_id  bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN assigned_group_id bigint REFERENCES staff_groups (id) ON DELETE SET NULL,
    ADD COLUMN assigned_at       timestamptz,
    ADD CONSTRAINT threads_one_assignee
        CHECK (assigned_user_id IS NULL OR assigned_group_id IS NULL);
CREATE INDEX threads_assigned_user ON threads (assigned_user_id) WHERE assigned_user_id IS NOT NULL;
CREATE INDEX threads_assigned_group ON threads (assigned_group_id) WHERE assigned_group_id IS NOT NULL;

-- Targets of a Questions forum, in hours; counted round the clock, or only in business
-- hours (Monday to Friday, `business_start` to `business_end` o'clock) of `business_zone`.
ALTER TABLE forums
    ADD COLUMN first_response_hours integer CHECK (first_response_hours BETWEEN 1 AND 10000),
    ADD COLUMN solution_hours       integer CHECK (solution_hours BETWEEN 1 AND 10000),
    ADD COLUMN business_zone        text,
    ADD COLUMN business_start       smallint NOT NULL DEFAULT 9,
    ADD COLUMN business_end         smallint NOT NULL DEFAULT 17,
    ADD COLUMN targets_mailed_on    date,
    ADD CONSTRAINT forums_business_day
        CHECK (business_start BETWEEN 0 AND 23 AND business_end BETWEEN 1 AND 24
               AND business_start < business_end);

-- What the site tells a member on its pages ("Notices"): a line and where it leads.
CREATE TABLE notices (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text       text NOT NULL,
    url        text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notices_of_user ON notices (user_id, id DESC);
CREATE INDEX notices_unread ON notices (user_id) WHERE read_at IS NULL;

-- "Staff note": words in a thread that only staff see. Kept apart from posts, so that no
-- count, number, feed, search, quote or mail of posts can ever carry one. A note sits after
-- the post that was the thread's last when it was written, and follows that post when a
-- split or merge moves it.
CREATE TABLE staff_notes (
    id            bigserial PRIMARY KEY,
    thread_id     bigint NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    after_post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id     bigint NOT NULL REFERENCES users (id),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    body_html  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_notes_thread ON staff_notes (thread_id, id);
CREATE INDEX staff_notes_after ON staff_notes (after_post_id);

-- `/t/{id}/note` and `/t/{id}/assign` are where staff post: threads of those slugs get others.
UPDATE threads SET slug = slug || '-thread' WHERE slug IN ('note', 'assign');

-- When a question got its accepted answer, for the solution clock: set when an answer is
-- marked, kept when another answer replaces it, cleared when none is left.
ALTER TABLE threads ADD COLUMN solved_at timestamptz;
UPDATE threads t SET solved_at = p.created_at
  FROM posts p WHERE p.id = t.solution_post_id;
CREATE FUNCTION threads_solved_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.solution_post_id IS NULL THEN
        NEW.solved_at := NULL;
    ELSIF OLD.solution_post_id IS NULL THEN
        NEW.solved_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER threads_solved_at BEFORE UPDATE OF solution_post_id ON threads
    FOR EACH ROW WHEN (OLD.solution_post_id IS DISTINCT FROM NEW.solution_post_id)
    EXECUTE FUNCTION threads_solved_at();
