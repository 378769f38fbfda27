-- A thread merged into another keeps its row, so its old address can lead to the new one.
ALTER TABLE threads ADD COLUMN merged_into BIGINT REFERENCES threads (id) ON DELETE SET NULL;
