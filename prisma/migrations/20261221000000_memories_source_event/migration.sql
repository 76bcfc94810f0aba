-- An add's re-run check and its results read the memories it created by source event: without an index
-- that read scans every memory of the project.
CREATE INDEX "memories_source_event_id_idx" ON "memories"("source_event_id");
