CREATE TABLE "background_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"started_by" uuid,
	"claim_hash" text,
	"status" text NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"step" text DEFAULT '' NOT NULL,
	"message" text,
	"result_url" text,
	"details" jsonb,
	"instance" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "background_tasks_started_by_idx" ON "background_tasks" USING btree ("started_by","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "background_tasks_one_running_kind" ON "background_tasks" USING btree ("kind") WHERE status = 'running' and kind = 'demo';