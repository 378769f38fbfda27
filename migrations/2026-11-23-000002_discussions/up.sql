-- Categories contain forums, forums contain threads, threads contain numbered posts.

CREATE TABLE categories (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title      TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    position   INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE forums (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id  BIGINT NOT NULL REFERENCES categories (id),
    slug         TEXT NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 60),
    title        TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    description  TEXT NOT NULL DEFAULT '' CHECK (char_length(description) <= 500),
    position     INTEGER NOT NULL DEFAULT 0,
    thread_count INTEGER NOT NULL DEFAULT 0,
    post_count   INTEGER NOT NULL DEFAULT 0,
    last_post_id BIGINT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX forums_slug_key ON forums (slug);
CREATE INDEX forums_category_idx ON forums (category_id, position);

CREATE TABLE threads (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    forum_id         BIGINT NOT NULL REFERENCES forums (id),
    author_id        BIGINT NOT NULL REFERENCES users (id),
    title            TEXT NOT NULL CHECK (char_length(title) BETWEEN 3 AND 150),
    slug             TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_post_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_post_id     BIGINT,
    post_count       INTEGER NOT NULL DEFAULT 0,
    view_count       BIGINT NOT NULL DEFAULT 0,
    pinned           BOOLEAN NOT NULL DEFAULT FALSE,
    locked           BOOLEAN NOT NULL DEFAULT FALSE,
    hidden           BOOLEAN NOT NULL DEFAULT FALSE,
    solution_post_id BIGINT
);
-- A forum page: pinned first, then by latest activity.
CREATE INDEX threads_listing_idx ON threads (forum_id, pinned DESC, last_post_at DESC);
CREATE INDEX threads_author_idx ON threads (author_id);

CREATE TABLE posts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread_id   BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    author_id   BIGINT NOT NULL REFERENCES users (id),
    position    INTEGER NOT NULL CHECK (position >= 1),
    body_source TEXT NOT NULL CHECK (char_length(body_source) BETWEEN 1 AND 50000),
    body_html   TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    edited_at   TIMESTAMPTZ,
    edited_by   BIGINT REFERENCES users (id),
    hidden      BOOLEAN NOT NULL DEFAULT FALSE,
    hidden_by   BIGINT REFERENCES users (id),
    hidden_at   TIMESTAMPTZ
);
-- #N of a thread is unique: any page and any permalink is one index look-up.
CREATE UNIQUE INDEX posts_thread_position_key ON posts (thread_id, position);
CREATE INDEX posts_author_idx ON posts (author_id, created_at);

ALTER TABLE forums ADD FOREIGN KEY (last_post_id) REFERENCES posts (id) ON DELETE SET NULL;
ALTER TABLE threads ADD FOREIGN KEY (last_post_id) REFERENCES posts (id) ON DELETE SET NULL;
ALTER TABLE threads ADD FOREIGN KEY (solution_post_id) REFERENCES posts (id) ON DELETE SET NULL;

-- Which post quotes which, for "quoted in #7, #12" and re-rendering removed quotes.
CREATE TABLE post_quotes (
    post_id        BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    quoted_post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, quoted_post_id)
);
CREATE INDEX post_quotes_quoted_idx ON post_quotes (quoted_post_id);

-- Every earlier version of an edited post.
CREATE TABLE post_revisions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id     BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    body_source TEXT NOT NULL,
    edited_by   BIGINT NOT NULL REFERENCES users (id),
    reason      TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX post_revisions_post_idx ON post_revisions (post_id, created_at);

-- How far each member has read each thread.
CREATE TABLE thread_reads (
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id     BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    last_position INTEGER NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, thread_id)
);

-- One row per submitted composer form, so a double submit makes one post.
CREATE TABLE post_submissions (
    token      TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A reply typed while logged out, kept across the log-in.
CREATE TABLE reply_drafts (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id  BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, thread_id)
);
