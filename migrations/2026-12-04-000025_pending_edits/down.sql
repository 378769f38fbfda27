DROP TABLE pending_edits;
