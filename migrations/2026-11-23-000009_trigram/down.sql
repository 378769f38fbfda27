DROP INDEX users_username_trgm_idx;
