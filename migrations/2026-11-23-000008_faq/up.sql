-- The FAQ knowledge base: articles moderators write or promote from solved threads.
CREATE TABLE faq_articles (
    id               BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 1001) PRIMARY KEY,
    title            TEXT NOT NULL CHECK (char_length(title) BETWEEN 3 AND 150),
    slug             TEXT NOT NULL,
    category         TEXT NOT NULL DEFAULT '' CHECK (char_length(category) <= 60),
    body_source      TEXT NOT NULL CHECK (char_length(body_source) BETWEEN 1 AND 50000),
    body_html        TEXT NOT NULL,
    author_id        BIGINT NOT NULL REFERENCES users (id),
    sticky           BOOLEAN NOT NULL DEFAULT FALSE,
    published        BOOLEAN NOT NULL DEFAULT TRUE,
    view_count       BIGINT NOT NULL DEFAULT 0,
    source_thread_id BIGINT REFERENCES threads (id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    tsv              tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', title), 'A') ||
                         setweight(to_tsvector('english', body_source), 'B')) STORED
);
CREATE INDEX faq_articles_tsv_idx ON faq_articles USING GIN (tsv);
CREATE INDEX faq_articles_popular_idx ON faq_articles (view_count DESC) WHERE published;
CREATE INDEX faq_articles_latest_idx ON faq_articles (updated_at DESC) WHERE published;

-- "See also": other articles and threads.
CREATE TABLE faq_links (
    article_id     BIGINT NOT NULL REFERENCES faq_articles (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    target_article BIGINT REFERENCES faq_articles (id) ON DELETE CASCADE,
    target_thread  BIGINT REFERENCES threads (id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, position),
    CHECK ((target_article IS NULL) <> (target_thread IS NULL))
);
