-- The size a client declares for its file, to show progress as a fraction. Written when the import
-- is recorded (the request role may insert any column of vitals_imports, 0003) and never updated.
ALTER TABLE "vitals_imports" ADD COLUMN "bytes_total" bigint;