-- Profiles: one structured object per (project, entity type, entity id), filled from the entity's memories
-- into the project's JSON Schema by the worker.

-- `enabled` is project-wide; schema and instructions are per entity type (only users carry profiles).
CREATE TABLE "profile_settings" (
    "project_id" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "user_schema" JSONB,
    "user_custom_instructions" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "profile_settings_pkey" PRIMARY KEY ("project_id"),
    CONSTRAINT "profile_settings_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "profiles" (
    "project_id" UUID NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    -- The last successful generation; a failed one keeps it and records its error.
    "profile" JSONB,
    -- succeeded | failed: the outcome of the last generation
    "status" TEXT NOT NULL,
    "error" TEXT,
    "generation_count" INTEGER NOT NULL DEFAULT 0,
    -- Memories the last generation read: an automatic rebuild waits for new ones.
    "memory_count" INTEGER NOT NULL DEFAULT 0,
    "generated_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "profiles_pkey" PRIMARY KEY ("project_id", "entity_type", "entity_id"),
    CONSTRAINT "profiles_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "profile_jobs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    -- trigger | sample | auto (queued by the server when a user crosses the memory threshold)
    "operation" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "profile_jobs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "profile_jobs_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "profile_jobs_project_id_idx" ON "profile_jobs"("project_id");

-- One row per entity a job generates; the job's counts and status are read from them.
CREATE TABLE "profile_job_entities" (
    "job_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    -- queued | running | succeeded | failed | skipped
    "status" TEXT NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "profile_job_entities_pkey" PRIMARY KEY ("job_id", "entity_id"),
    CONSTRAINT "profile_job_entities_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "profile_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- "Is a generation waiting for this entity?": only unfinished rows are indexed.
CREATE INDEX "profile_job_entities_open_idx" ON "profile_job_entities"("project_id", "entity_type", "entity_id")
    WHERE "status" IN ('queued', 'running');
