-- Retrieval: the embedding moves onto the memory row, so a filtered search reads one row per
-- candidate (filter columns and vector together) and an HNSW scan checks filters on the same
-- table. Each row still records its embedder; dimensions come from vector_dims(embedding).
-- STORAGE MAIN keeps vectors inline (compressed if ever needed) instead of out of line in TOAST.

ALTER TABLE "memories" ADD COLUMN "embedder" TEXT, ADD COLUMN "embedding" vector;
ALTER TABLE "memories" ALTER COLUMN "embedding" SET STORAGE MAIN;

UPDATE "memories" m SET "embedder" = e."embedder", "embedding" = e."embedding"
FROM "memory_embeddings" e WHERE e."memory_id" = m."id";

DROP TABLE "memory_embeddings";

-- Filter support: jsonb containment on metadata and array overlap on categories.
CREATE INDEX "memories_metadata_idx" ON "memories" USING GIN ("metadata" jsonb_path_ops);
CREATE INDEX "memories_categories_idx" ON "memories" USING GIN ("categories");
