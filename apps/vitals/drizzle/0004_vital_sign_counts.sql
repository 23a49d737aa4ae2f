CREATE TABLE "vital_sign_counts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subject_id" uuid NOT NULL,
	"study_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"readings" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "vital_sign_counts_subject_idx" ON "vital_sign_counts" USING btree ("subject_id");