-- The job sweeper looks for accepted events and exports that have not finished, across projects,
-- oldest change first. Finished rows are nearly all of both tables, so the indexes hold only the others.
CREATE INDEX "events_unfinished_idx" ON "events"("updated_at", "id") WHERE "status" IN ('PENDING', 'RUNNING');
CREATE INDEX "memory_exports_unfinished_idx" ON "memory_exports"("updated_at", "id") WHERE "status" IN ('PENDING', 'RUNNING');
