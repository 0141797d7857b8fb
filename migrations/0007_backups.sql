CREATE TABLE "backups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"file_name" text NOT NULL,
	"directory" text NOT NULL,
	"format" text NOT NULL,
	"app_version" text NOT NULL,
	"driver" text NOT NULL,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"size_bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_to" text,
	"pruned_at" timestamp with time zone,
	CONSTRAINT "backups_file_name_unique" UNIQUE("file_name")
);
--> statement-breakpoint
CREATE INDEX "backups_finished_idx" ON "backups" USING btree ("finished_at");
