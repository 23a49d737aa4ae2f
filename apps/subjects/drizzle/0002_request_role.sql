-- Requests run as trialgraph_subjects_app (the service SETs this role once these migrations
-- have run as the owner). It owns nothing and may only read and append, and change the
-- fields of a subject an update may change: no DELETE, TRUNCATE, ALTER or TRIGGER anywhere,
-- and no UPDATE of the audit trail, so the application cannot rewrite its own history.
-- A DBA may create the role and grant it to the owner beforehand; then the block below only checks.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'trialgraph_subjects_app') THEN
    BEGIN
      CREATE ROLE trialgraph_subjects_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another database of the same server created it at the same moment
    END;
  END IF;
  IF NOT pg_has_role(current_user, 'trialgraph_subjects_app', 'MEMBER') THEN
    EXECUTE format('GRANT trialgraph_subjects_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO trialgraph_subjects_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON studies, sites, subjects, audit_events TO trialgraph_subjects_app;
--> statement-breakpoint
GRANT UPDATE (name, age, sex, status, version, updated_at) ON subjects TO trialgraph_subjects_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE audit_events_id_seq TO trialgraph_subjects_app;
