-- "Similar questions" are found in an index each node keeps in memory (src/forums/similar.rs);
-- the trigram index on titles only slowed every new or renamed thread down.
DROP INDEX threads_title_trgm;
