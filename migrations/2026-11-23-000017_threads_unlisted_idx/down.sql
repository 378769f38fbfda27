DROP INDEX threads_unlisted_idx;
