-- Dream synthesis, opt-in per project: set when turned on, it is also the forward boundary (only
-- memories created from then on are synthesised); NULL when off.
ALTER TABLE "projects" ADD COLUMN "synthesis_enabled_at" TIMESTAMPTZ(6);
