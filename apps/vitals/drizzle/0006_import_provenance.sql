ALTER TABLE "vitals_imports" ADD COLUMN "sha256" text;--> statement-breakpoint
ALTER TABLE "vitals_imports" ADD COLUMN "byte_count" bigint;--> statement-breakpoint
CREATE INDEX "vitals_imports_study_sha256_idx" ON "vitals_imports" USING btree ("study_id","sha256");--> statement-breakpoint
-- The request role records which file an import was (its SHA-256 and size, once received) on the
-- import's record, as it records the import's progress.
GRANT UPDATE (sha256, byte_count) ON vitals_imports TO trialgraph_vitals_app;
