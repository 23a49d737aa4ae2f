-- vital_signs becomes range-partitioned by month of recorded_at (UTC), keeping every row, id,
-- count and right; the primary keys of vital_sign_counts and vitals_import_errors come to lead with
-- the column each would be distributed by (README, Scale-out). Written by hand: drizzle-kit cannot
-- declare partitioning (its snapshot records the keys and that vital_signs.id gets a plain index).
--
-- Why each choice:
-- - A partitioned table's unique keys must hold the partition key. The one unique key stays
--   (subject_id, recorded_at), which leads with subject_id as a table distributed by subject
--   (Citus) needs; id stays unique through its sequence and is found through a plain index.
-- - No DEFAULT partition: a month is created before the first reading of it is written, whatever
--   the year (ensure_vital_sign_partitions below). A default partition would stop PostgreSQL from
--   reading the months in order (a subject's latest readings would probe every month), and
--   attaching a month would then have to scan it under an exclusive lock.
-- - A month is created as a table of its own and then attached: ATTACH PARTITION takes SHARE
--   UPDATE EXCLUSIVE on vital_signs, which neither reads nor writes (imports holding their
--   transaction for minutes) conflict with, where CREATE TABLE … PARTITION OF would take ACCESS
--   EXCLUSIVE and wait behind every running import, stopping every read behind it.
-- - Existing rows are copied into the new table inside this migration's transaction: it holds
--   vital_signs for as long as the copy takes (about as long as a COPY of the table).
ALTER TABLE vital_signs RENAME TO vital_signs_unpartitioned;
--> statement-breakpoint
ALTER TABLE vital_signs_unpartitioned RENAME CONSTRAINT vital_signs_subject_recorded_at_unique TO vital_signs_unpartitioned_subject_recorded_at_unique;
--> statement-breakpoint
CREATE TABLE vital_signs (
	"id" bigint DEFAULT nextval('vital_signs_id_seq') NOT NULL,
	"subject_id" uuid NOT NULL,
	"study_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"recorded_at" timestamp (3) with time zone NOT NULL,
	"heart_rate" smallint,
	"systolic" smallint,
	"diastolic" smallint,
	"temperature" real,
	"respiratory_rate" smallint,
	"spo2" smallint,
	"import_id" uuid,
	"source_line" integer,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vital_signs_subject_recorded_at_unique" UNIQUE("subject_id","recorded_at"),
	CONSTRAINT "vital_signs_has_measure" CHECK (num_nonnulls("heart_rate", "systolic", "diastolic", "temperature", "respiratory_rate", "spo2") > 0)
) PARTITION BY RANGE (recorded_at);
--> statement-breakpoint
-- The sequence now belongs to the new table, so dropping the old one below keeps it.
ALTER SEQUENCE vital_signs_id_seq OWNED BY vital_signs.id;
--> statement-breakpoint
CREATE INDEX "vital_signs_id_idx" ON vital_signs USING btree ("id");
--> statement-breakpoint
-- The month of each instant, as a partition of vital_signs named vital_signs_YYYY_MM, created
-- unless it exists. Runs as the owner (SECURITY DEFINER): the request role may call it but holds
-- no right to create or alter a table. Two sessions creating the same month at once take turns on
-- an advisory lock held until the end of the caller's transaction, and the second finds the
-- month made; the app makes months outside any transaction of its own (reading-partitions.ts), so
-- that lock and ATTACH's are held for milliseconds, then calls it again in the writer's
-- transaction, which finds the months made and only takes the share lock below.
CREATE FUNCTION ensure_vital_sign_partitions(instants timestamptz[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  month timestamptz;
  partition_name text;
  locked boolean := false;
  created integer := 0;
BEGIN
  FOR month IN SELECT DISTINCT date_trunc('month', instant, 'UTC') FROM unnest(instants) AS instant WHERE instant IS NOT NULL LOOP
    partition_name := 'vital_signs_' || to_char(month AT TIME ZONE 'UTC', 'YYYY_MM');
    -- Read from pg_class with this statement's snapshot, not the name cache: after waiting for the
    -- lock, a month another session just created must be seen.
    IF NOT EXISTS (SELECT FROM pg_class WHERE relname = partition_name AND relnamespace = 'public'::regnamespace) THEN
      IF NOT locked THEN
        PERFORM pg_advisory_xact_lock(hashtext('trialgraph:vital_signs partitions'));
        locked := true;
      END IF;
      IF NOT EXISTS (SELECT FROM pg_class WHERE relname = partition_name AND relnamespace = 'public'::regnamespace) THEN
        EXECUTE format('CREATE TABLE public.%I (LIKE public.vital_signs INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition_name);
        -- Month bounds in UTC whatever the session's TimeZone (timestamptz + interval follows it).
        EXECUTE format('ALTER TABLE public.vital_signs ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                       partition_name, month, (month AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC');
        created := created + 1;
      END IF;
    END IF;
    -- Taking a lock it does not hold yet makes the session take in the partitions other sessions
    -- attached since its transaction began, so that a statement it prepared before and reuses
    -- (which keeps the partitions it was planned with until then) sees this month too. A share
    -- lock, held to the caller's commit, that only DROP, DETACH or TRUNCATE of the month wait for.
    EXECUTE format('LOCK TABLE public.%I IN ACCESS SHARE MODE', partition_name);
  END LOOP;
  RETURN created;
END;
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION ensure_vital_sign_partitions(timestamptz[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ensure_vital_sign_partitions(timestamptz[]) TO trialgraph_vitals_app;
--> statement-breakpoint
SELECT ensure_vital_sign_partitions(array(SELECT DISTINCT date_trunc('month', recorded_at, 'UTC') FROM vital_signs_unpartitioned));
--> statement-breakpoint
-- Copied before the count triggers exist: vital_sign_counts already counts these rows.
INSERT INTO vital_signs (id, subject_id, study_id, site_id, recorded_at, heart_rate, systolic, diastolic, temperature, respiratory_rate, spo2,
                         import_id, source_line, recorded_by, created_at)
SELECT id, subject_id, study_id, site_id, recorded_at, heart_rate, systolic, diastolic, temperature, respiratory_rate, spo2,
       import_id, source_line, recorded_by, created_at
FROM vital_signs_unpartitioned;
--> statement-breakpoint
DROP TABLE vital_signs_unpartitioned;
--> statement-breakpoint
-- The triggers of 0003 and 0005, on the new table. The row trigger is cloned onto every month,
-- so a stored reading stays unchangeable even addressed through its partition; the statement
-- triggers fire for writes through vital_signs (every write the app makes, COPY included), with
-- transition tables holding the rows of every month the statement touched.
CREATE TRIGGER vital_signs_append_only
  BEFORE UPDATE OR DELETE ON vital_signs
  FOR EACH ROW EXECUTE FUNCTION refuse_change('vital signs are never changed or deleted; record a correction as a new reading');
--> statement-breakpoint
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
-- The rights of 0003 on the new table. Requests reach the months only through vital_signs, so
-- the months need no grant of their own.
GRANT SELECT, INSERT ON vital_signs TO trialgraph_vitals_app;
--> statement-breakpoint
-- Every unique key leads with the column a distributed database (Citus) would shard by, which its
-- unique keys must hold: subject_id for the counts, beside vital_signs; import_id for an import's
-- row errors, beside vitals_imports. The new keys serve the lookups the old indexes served.
ALTER TABLE vital_sign_counts DROP CONSTRAINT vital_sign_counts_pkey;
--> statement-breakpoint
ALTER TABLE vital_sign_counts ADD CONSTRAINT "vital_sign_counts_subject_id_id_pk" PRIMARY KEY ("subject_id", "id");
--> statement-breakpoint
DROP INDEX vital_sign_counts_subject_idx;
--> statement-breakpoint
ALTER TABLE vitals_import_errors DROP CONSTRAINT vitals_import_errors_pkey;
--> statement-breakpoint
ALTER TABLE vitals_import_errors ADD CONSTRAINT "vitals_import_errors_import_id_id_pk" PRIMARY KEY ("import_id", "id");
