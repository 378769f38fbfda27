-- An author's edit of a published post that waits for a moderator, as posting would: the
-- post keeps its published text until the edit is approved. One per post (a newer edit
-- replaces it). A rejected edit stays, with the reason, until the author edits again.
CREATE TABLE pending_edits (
    post_id bigint PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    body_source text NOT NULL,
    body_html text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    rejected_reason text
);
CREATE INDEX pending_edits_waiting ON pending_edits (created_at) WHERE rejected_reason IS NULL;
