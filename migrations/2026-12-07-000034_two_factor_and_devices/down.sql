DROP TABLE site_settings;
ALTER TABLE sessions DROP COLUMN ip, DROP COLUMN id;
DROP TABLE trusted_devices;
DROP TABLE login_challenges;
DROP TABLE recovery_codes;
ALTER TABLE users
    DROP CONSTRAINT users_totp_enabled,
    DROP COLUMN totp_last_step,
    DROP COLUMN totp_enabled_at,
    DROP COLUMN totp_pending_secret,
    DROP COLUMN totp_secret;
