-- A batch update writes its new vectors here with a NULL embedding: HNSW indexes skip NULLs, so the
-- update costs no graph inserts (about 1 ms a vector), and searches read these rows exactly until the
-- worker moves them into "embedding". The partial index finds them (and their projects) while it waits.
ALTER TABLE "memories" ADD COLUMN "pending_embedding" vector;
CREATE INDEX "memories_pending_embedding_idx" ON "memories"("project_id", "updated_at") WHERE "pending_embedding" IS NOT NULL;
