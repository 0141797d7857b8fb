CREATE SCHEMA "calendar_audit";
--> statement-breakpoint
CREATE TABLE "calendar_audit"."imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"payload" text,
	"progress" integer DEFAULT 0 NOT NULL,
	"message" text,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"event_count" integer DEFAULT 0 NOT NULL,
	"series_count" integer DEFAULT 0 NOT NULL,
	"occurrence_count" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "calendar_audit"."sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"person_id" uuid,
	"team_id" uuid,
	"feed_url_sealed" text,
	"feed_url_masked" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"last_error" text,
	"failures" integer DEFAULT 0 NOT NULL,
	"next_fetch_at" timestamp with time zone,
	"last_fetched_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_audit"."occurrences" (
	"series_id" uuid NOT NULL,
	"start" timestamp with time zone NOT NULL,
	"end" timestamp with time zone NOT NULL,
	"recurrence_id" timestamp with time zone,
	"all_day" boolean NOT NULL,
	"required" integer NOT NULL,
	"optional" integer NOT NULL,
	CONSTRAINT "occurrences_series_id_start_pk" PRIMARY KEY("series_id","start")
);
--> statement-breakpoint
CREATE TABLE "calendar_audit"."series" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"uid" text NOT NULL,
	"source_id" uuid NOT NULL,
	"team_id" uuid,
	"summary" text NOT NULL,
	"organizer" text,
	"recurring" boolean NOT NULL,
	"rrule" text,
	"has_end" boolean NOT NULL,
	"time_zone" text,
	"all_day" boolean NOT NULL,
	"duration_minutes" integer NOT NULL,
	"per_week" real NOT NULL,
	"cadence" text NOT NULL,
	"attendees" jsonb NOT NULL,
	"attendee_total" integer NOT NULL,
	"rooms" jsonb NOT NULL,
	"category" text NOT NULL,
	"confidence" real NOT NULL,
	"reasons" jsonb NOT NULL,
	"override_category" text,
	"override_by" uuid,
	"override_at" timestamp with time zone,
	"outcome" text DEFAULT 'active' NOT NULL,
	"outcome_on" date,
	"poll_sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_audit"."poll_answers" (
	"series_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"answer" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"answered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "poll_answers_series_id_person_id_pk" PRIMARY KEY("series_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "calendar_audit"."plan" (
	"team_id" uuid NOT NULL,
	"month" text NOT NULL,
	"series_id" uuid NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "plan_team_id_month_pk" PRIMARY KEY("team_id","month")
);
--> statement-breakpoint
CREATE INDEX "imports_source_idx" ON "calendar_audit"."imports" USING btree ("source_id","created_at");--> statement-breakpoint
CREATE INDEX "sources_due_idx" ON "calendar_audit"."sources" USING btree ("kind","next_fetch_at");--> statement-breakpoint
CREATE INDEX "occurrences_start_idx" ON "calendar_audit"."occurrences" USING btree ("start");--> statement-breakpoint
CREATE UNIQUE INDEX "series_uid_unique" ON "calendar_audit"."series" USING btree ("uid");--> statement-breakpoint
CREATE INDEX "series_team_idx" ON "calendar_audit"."series" USING btree ("team_id","recurring");--> statement-breakpoint
CREATE INDEX "plan_series_idx" ON "calendar_audit"."plan" USING btree ("series_id");