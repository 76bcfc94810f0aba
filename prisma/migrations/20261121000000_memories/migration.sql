-- Memories with their embeddings, history, async events, entities, feedback and the webhook outbox.
-- Every table carries project_id and cascades from projects(id).

CREATE TABLE "memories" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "memory" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "user_id" TEXT,
    "agent_id" TEXT,
    "app_id" TEXT,
    "run_id" TEXT,
    "metadata" JSONB,
    "categories" TEXT[],
    "immutable" BOOLEAN NOT NULL DEFAULT false,
    "expiration_date" DATE,
    "lifecycle_state" TEXT NOT NULL DEFAULT 'active',
    "replaced_by" UUID,
    "synthesized" BOOLEAN NOT NULL DEFAULT false,
    "source_event_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memories_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memories_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "memories_project_id_created_at_idx" ON "memories"("project_id", "created_at" DESC);
CREATE INDEX "memories_project_id_user_id_idx" ON "memories"("project_id", "user_id");
CREATE INDEX "memories_project_id_agent_id_idx" ON "memories"("project_id", "agent_id");
CREATE INDEX "memories_project_id_app_id_idx" ON "memories"("project_id", "app_id");
CREATE INDEX "memories_project_id_run_id_idx" ON "memories"("project_id", "run_id");
CREATE INDEX "memories_project_id_hash_idx" ON "memories"("project_id", "hash");

CREATE TABLE "memory_embeddings" (
    "memory_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "embedder" TEXT NOT NULL,
    "dimensions" INTEGER NOT NULL,
    "embedding" vector,
    CONSTRAINT "memory_embeddings_pkey" PRIMARY KEY ("memory_id"),
    CONSTRAINT "memory_embeddings_memory_id_fkey" FOREIGN KEY ("memory_id") REFERENCES "memories"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "memory_embeddings_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "memory_embeddings_project_id_embedder_idx" ON "memory_embeddings"("project_id", "embedder");

CREATE TABLE "memory_history" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "memory_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "old_memory" TEXT,
    "new_memory" TEXT,
    "input" JSONB,
    "user_id" TEXT,
    "agent_id" TEXT,
    "app_id" TEXT,
    "run_id" TEXT,
    "categories" TEXT[],
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memory_history_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memory_history_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "memory_history_project_id_memory_id_created_at_idx" ON "memory_history"("project_id", "memory_id", "created_at");
CREATE INDEX "memory_history_project_id_created_at_idx" ON "memory_history"("project_id", "created_at" DESC);

CREATE TABLE "events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "payload" JSONB,
    "metadata" JSONB,
    "results" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(6),
    "completed_at" TIMESTAMPTZ(6),
    "latency" DOUBLE PRECISION,
    CONSTRAINT "events_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "events_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "events_project_id_created_at_idx" ON "events"("project_id", "created_at" DESC);

CREATE TABLE "entities" (
    "id" SERIAL NOT NULL,
    "project_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "metadata" JSONB,
    "explicit" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "entities_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "entities_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "entities_project_id_type_name_key" ON "entities"("project_id", "type", "name");

CREATE TABLE "memory_feedback" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "memory_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "feedback" TEXT,
    "feedback_reason" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memory_feedback_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memory_feedback_memory_id_fkey" FOREIGN KEY ("memory_id") REFERENCES "memories"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "memory_feedback_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "memory_feedback_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "memory_feedback_memory_id_user_id_key" ON "memory_feedback"("memory_id", "user_id");

CREATE TABLE "webhook_outbox" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(6),
    CONSTRAINT "webhook_outbox_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_outbox_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "webhook_outbox_pending_idx" ON "webhook_outbox"("created_at") WHERE "dispatched_at" IS NULL;
