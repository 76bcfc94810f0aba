-- The OSS REST server's `POST /configure` object, per project (validated, secrets kept, never executed).
ALTER TABLE "projects" ADD COLUMN "oss_config" JSONB;
