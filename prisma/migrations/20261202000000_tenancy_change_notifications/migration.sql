-- Every change to what an API key's identity is read from (the key, its user, its project, the
-- user's roles) notifies listeners once per statement, on commit: API processes drop the
-- identities they cache, so a revoked key or a removed member is refused at once everywhere.
CREATE FUNCTION notify_tenancy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tenancy_changed', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

-- The once-a-minute last_used_at write is not a change of identity.
CREATE TRIGGER api_keys_tenancy_changed
  AFTER INSERT OR DELETE OR UPDATE OF project_id, user_id, key_hash, revoked_at OR TRUNCATE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION notify_tenancy_changed();
CREATE TRIGGER users_tenancy_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_tenancy_changed();
CREATE TRIGGER projects_tenancy_changed
  AFTER UPDATE OF org_id OR DELETE OR TRUNCATE ON projects
  FOR EACH STATEMENT EXECUTE FUNCTION notify_tenancy_changed();
CREATE TRIGGER project_members_tenancy_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_members
  FOR EACH STATEMENT EXECUTE FUNCTION notify_tenancy_changed();
CREATE TRIGGER org_members_tenancy_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_members
  FOR EACH STATEMENT EXECUTE FUNCTION notify_tenancy_changed();
