-- "Canned replies": reply templates staff share. `{asker}` and `{title}` in a body stand
-- for the question's asker and title when it is inserted into a reply.
CREATE TABLE canned_replies (
    id         bigserial PRIMARY KEY,
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    -- Who wrote or last changed it.
    changed_by bigint REFERENCES users (id) ON DELETE SET NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX canned_replies_title_key ON canned_replies (lower(title));
