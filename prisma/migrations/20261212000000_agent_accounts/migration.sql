-- Users created by agent sign-up (POST /api/v1/auth/agent_mode/): their own org, project and key,
-- no person attached yet.
CREATE TABLE "agent_accounts" (
    "user_id" UUID NOT NULL,
    "agent_caller" TEXT,
    "source" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "agent_accounts_pkey" PRIMARY KEY ("user_id"),
    CONSTRAINT "agent_accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
