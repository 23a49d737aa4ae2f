CREATE TYPE "public"."import_status" AS ENUM('RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'INTERRUPTED');--> statement-breakpoint
CREATE TYPE "public"."on_error_mode" AS ENUM('SKIP', 'ABORT');--> statement-breakpoint
CREATE TABLE "vital_signs" (
	"id" bigserial PRIMARY KEY NOT NULL,
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
	CONSTRAINT "vital_signs_has_measure" CHECK (num_nonnulls("vital_signs"."heart_rate", "vital_signs"."systolic", "vital_signs"."diastolic", "vital_signs"."temperature", "vital_signs"."respiratory_rate", "vital_signs"."spo2") > 0)
);
--> statement-breakpoint
CREATE TABLE "vitals_import_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"column" text,
	"value" text,
	"code" text NOT NULL,
	"message" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vitals_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"status" "import_status" DEFAULT 'RUNNING' NOT NULL,
	"on_error" "on_error_mode" NOT NULL,
	"dry_run" boolean NOT NULL,
	"options" jsonb NOT NULL,
	"actor" text NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_accepted" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"rows_duplicate" integer DEFAULT 0 NOT NULL,
	"bytes_read" bigint DEFAULT 0 NOT NULL,
	"failure_reason" text,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "vitals_import_errors" ADD CONSTRAINT "vitals_import_errors_import_id_vitals_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."vitals_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "vitals_import_errors_import_line_idx" ON "vitals_import_errors" USING btree ("import_id","line");--> statement-breakpoint
CREATE INDEX "vitals_imports_study_started_idx" ON "vitals_imports" USING btree ("study_id","started_at");