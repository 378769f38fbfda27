-- Registration modes. An applicant (registered from an address outside the domains let
-- in) waits, with what they wrote about themselves, until an administrator decides.
ALTER TABLE users
    ADD COLUMN applied_at timestamptz,
    ADD COLUMN application text;

-- Invitation links, each working once; only their token's SHA-256 is kept.
CREATE TABLE invitations (
    token_hash bytea PRIMARY KEY,
    created_by bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_by bigint REFERENCES users (id) ON DELETE SET NULL,
    used_at timestamptz
);
CREATE INDEX invitations_created_by ON invitations (created_by, created_at);
