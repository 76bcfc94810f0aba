-- Keyword channel: English-stemmed full text of every memory, kept in step by Postgres itself.
ALTER TABLE "memories"
  ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('english', "memory")) STORED;
CREATE INDEX "memories_search_vector_idx" ON "memories" USING GIN ("search_vector");

-- Order of arrival, so that search can see what was said right before and after a memory in its scope.
CREATE SEQUENCE "memories_seq_seq";
ALTER TABLE "memories" ADD COLUMN "seq" BIGINT DEFAULT nextval('memories_seq_seq');
ALTER SEQUENCE "memories_seq_seq" OWNED BY "memories"."seq";

-- Time: when what a memory describes happened (resolved against the add's timestamp).
ALTER TABLE "memories" ADD COLUMN "event_start" TIMESTAMPTZ(6), ADD COLUMN "event_end" TIMESTAMPTZ(6);

-- Entities a memory mentions (people, places, organisations, products, key phrases), once per scope.
CREATE TABLE "named_entities" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "project_id" UUID NOT NULL,
  "scope_key" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
  CONSTRAINT "named_entities_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "named_entities_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "named_entities_project_id_scope_key_key_key" ON "named_entities"("project_id", "scope_key", "key");
CREATE INDEX "named_entities_project_id_key_idx" ON "named_entities"("project_id", "key");

CREATE TABLE "memory_entity_links" (
  "memory_id" UUID NOT NULL,
  "entity_id" UUID NOT NULL,
  -- 1 for what the memory is about (the entity it opens with), less for a passing mention.
  "salience" REAL NOT NULL DEFAULT 1,
  CONSTRAINT "memory_entity_links_pkey" PRIMARY KEY ("memory_id", "entity_id"),
  CONSTRAINT "memory_entity_links_memory_id_fkey" FOREIGN KEY ("memory_id") REFERENCES "memories"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "memory_entity_links_entity_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "named_entities"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "memory_entity_links_entity_id_idx" ON "memory_entity_links"("entity_id");

-- Decay: the latest retrievals of a memory (at most 20), kept apart from the wide memory row.
CREATE TABLE "memory_access" (
  "memory_id" UUID NOT NULL,
  "project_id" UUID NOT NULL,
  "touches" TIMESTAMPTZ(6)[] NOT NULL,
  CONSTRAINT "memory_access_pkey" PRIMARY KEY ("memory_id"),
  CONSTRAINT "memory_access_memory_id_fkey" FOREIGN KEY ("memory_id") REFERENCES "memories"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
