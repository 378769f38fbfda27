DROP TABLE invitations;
ALTER TABLE users DROP COLUMN application, DROP COLUMN applied_at;
