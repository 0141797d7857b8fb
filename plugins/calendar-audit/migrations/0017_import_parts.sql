-- An uploaded file is stored in pieces while its import waits (one 10 MB statement would hold the
-- embedded database for a noticeable time).
CREATE TABLE "calendar_audit"."import_parts" (
	"import_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"body" text NOT NULL,
	CONSTRAINT "import_parts_import_id_seq_pk" PRIMARY KEY("import_id","seq")
);
--> statement-breakpoint
ALTER TABLE "calendar_audit"."import_parts" ADD CONSTRAINT "import_parts_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "calendar_audit"."imports"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "calendar_audit"."imports" ADD COLUMN "ready" boolean DEFAULT true NOT NULL;
