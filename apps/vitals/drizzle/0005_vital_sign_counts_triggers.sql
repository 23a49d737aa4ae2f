-- Subject.vitals.totalCount without counting a subject's whole history: the database records the
-- change in readings per (subject, study, site) of every write to vital_signs, whoever writes
-- (import batches, recordVitalSign, COPY, SQL by hand). Statement-level triggers with transition
-- tables cost one grouped INSERT per write statement, not one per row, and fire for COPY too.
--
-- They only append: a count updated in place would make every writer of a subject wait for an
-- import holding its transaction for minutes, and two imports naming the same subjects in
-- different orders deadlock; folding the rows at each write instead made each batch of an import
-- rescan every row the import had folded before (quadratic in its batches). The vitals process
-- folds each subject's rows into one periodically, in short transactions (compactVitalSignCounts).
CREATE FUNCTION count_inserted_vital_signs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO vital_sign_counts (subject_id, study_id, site_id, readings)
  SELECT subject_id, study_id, site_id, count(*) FROM inserted_rows GROUP BY subject_id, study_id, site_id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION count_deleted_vital_signs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO vital_sign_counts (subject_id, study_id, site_id, readings)
  SELECT subject_id, study_id, site_id, -count(*) FROM deleted_rows GROUP BY subject_id, study_id, site_id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION count_updated_vital_signs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO vital_sign_counts (subject_id, study_id, site_id, readings)
  SELECT subject_id, study_id, site_id, sum(readings)
  FROM (SELECT subject_id, study_id, site_id, 1 AS readings FROM new_rows
        UNION ALL
        SELECT subject_id, study_id, site_id, -1 FROM old_rows) AS moved
  GROUP BY subject_id, study_id, site_id
  HAVING sum(readings) <> 0;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION forget_vital_sign_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE vital_sign_counts;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- CREATE TRIGGER locks vital_signs against writes (SHARE ROW EXCLUSIVE) until the migrations'
-- transaction commits, so no write slips between the triggers and the count of what is stored below.
CREATE TRIGGER vital_signs_count_inserts AFTER INSERT ON vital_signs
  REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_vital_signs();
--> statement-breakpoint
CREATE TRIGGER vital_signs_count_deletes AFTER DELETE ON vital_signs
  REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION count_deleted_vital_signs();
--> statement-breakpoint
CREATE TRIGGER vital_signs_count_updates AFTER UPDATE ON vital_signs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_updated_vital_signs();
--> statement-breakpoint
CREATE TRIGGER vital_signs_count_truncates AFTER TRUNCATE ON vital_signs
  FOR EACH STATEMENT EXECUTE FUNCTION forget_vital_sign_counts();
--> statement-breakpoint
INSERT INTO vital_sign_counts (subject_id, study_id, site_id, readings)
SELECT subject_id, study_id, site_id, count(*) FROM vital_signs GROUP BY subject_id, study_id, site_id;
--> statement-breakpoint
-- The counts are derived, not clinical records: the request role's writes append to them through
-- the triggers above, and the vitals process folds each subject's rows into one (a DELETE of the
-- rows it folded and an INSERT of their sum, in one transaction; UPDATE only because SELECT … FOR
-- UPDATE, which keeps two folds off the same rows, requires it).
GRANT SELECT, INSERT, UPDATE, DELETE ON vital_sign_counts TO trialgraph_vitals_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE vital_sign_counts_id_seq TO trialgraph_vitals_app;
