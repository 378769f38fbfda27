DROP INDEX threads_title_trgm;
