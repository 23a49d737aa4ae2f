-- Requests run as trialgraph_vitals_app (the service SETs this role once these migrations have
-- run as the owner). It owns nothing and may only read and append: vital signs, row errors
-- and the audit trail are never updated or deleted by it, and of an import's record only the
-- progress and outcome columns change. No DELETE, TRUNCATE, ALTER or TRIGGER anywhere, so the
-- application cannot rewrite its own history.
-- A DBA may create the role and grant it to the owner beforehand; then the block below only checks.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'trialgraph_vitals_app') THEN
    BEGIN
      CREATE ROLE trialgraph_vitals_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another database of the same server created it at the same moment
    END;
  END IF;
  IF NOT pg_has_role(current_user, 'trialgraph_vitals_app', 'MEMBER') THEN
    EXECUTE format('GRANT trialgraph_vitals_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO trialgraph_vitals_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON vital_signs, vitals_imports, vitals_import_errors, audit_events TO trialgraph_vitals_app;
--> statement-breakpoint
GRANT UPDATE (status, rows_read, rows_accepted, rows_rejected, rows_duplicate, bytes_read, failure_reason, heartbeat_at, finished_at)
  ON vitals_imports TO trialgraph_vitals_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE vital_signs_id_seq, vitals_import_errors_id_seq, audit_events_id_seq TO trialgraph_vitals_app;
--> statement-breakpoint
-- A stored reading is never changed or removed, whoever asks: a correction is a new reading.
-- (TRUNCATE stays possible for the owner: benchmarks empty the table between runs.)
CREATE TRIGGER vital_signs_append_only
  BEFORE UPDATE OR DELETE ON vital_signs
  FOR EACH ROW EXECUTE FUNCTION refuse_change('vital signs are never changed or deleted; record a correction as a new reading');
