-- Who may do what changed: every node drops the signed-in actors it remembers (src/modules/org/auth-cache.ts).
-- NOTIFY is delivered after commit, once per transaction and payload.
CREATE OR REPLACE FUNCTION storeos_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('storeos_auth', TG_TABLE_NAME);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_auth_changed AFTER UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION storeos_auth_changed();
--> statement-breakpoint
CREATE TRIGGER grants_auth_changed AFTER INSERT OR UPDATE OR DELETE ON grants FOR EACH STATEMENT EXECUTE FUNCTION storeos_auth_changed();
--> statement-breakpoint
CREATE TRIGGER sessions_auth_changed AFTER UPDATE OR DELETE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION storeos_auth_changed();
--> statement-breakpoint
CREATE TRIGGER org_units_auth_changed AFTER UPDATE OR DELETE ON org_units FOR EACH STATEMENT EXECUTE FUNCTION storeos_auth_changed();
--> statement-breakpoint
CREATE TRIGGER tenants_auth_changed AFTER UPDATE OR DELETE ON tenants FOR EACH STATEMENT EXECUTE FUNCTION storeos_auth_changed();
--> statement-breakpoint
CREATE TRIGGER api_keys_auth_deleted AFTER DELETE ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION storeos_auth_changed();
--> statement-breakpoint
-- The last-used time a key's use writes now and then changes nothing about what it may do.
CREATE TRIGGER api_keys_auth_changed AFTER UPDATE ON api_keys FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.role IS DISTINCT FROM NEW.role OR OLD.org_unit_id IS DISTINCT FROM NEW.org_unit_id OR OLD.key_hash IS DISTINCT FROM NEW.key_hash)
  EXECUTE FUNCTION storeos_auth_changed();
