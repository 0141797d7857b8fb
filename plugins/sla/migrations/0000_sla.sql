CREATE SCHEMA "sla";
--> statement-breakpoint
CREATE TABLE "sla"."asks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"source_ref" text NOT NULL,
	"team_id" uuid NOT NULL,
	"asker_id" uuid,
	"work_type" text NOT NULL,
	"medium" text NOT NULL,
	"title" text NOT NULL,
	"link" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla"."calendars" (
	"team_id" uuid PRIMARY KEY NOT NULL,
	"time_zone" text NOT NULL,
	"open" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla"."charter_rows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"work_type" text NOT NULL,
	"medium" text NOT NULL,
	"target_minutes" integer NOT NULL,
	"basis" text NOT NULL,
	"responders" text NOT NULL,
	"responder_id" uuid,
	CONSTRAINT "charter_rows_target" CHECK ("sla"."charter_rows"."target_minutes" > 0 and "sla"."charter_rows"."target_minutes" <= 120000)
);
--> statement-breakpoint
CREATE TABLE "sla"."charter_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla"."clock_alerts" (
	"clock_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "clock_alerts_clock_id_kind_pk" PRIMARY KEY("clock_id","kind")
);
--> statement-breakpoint
CREATE TABLE "sla"."clock_cycles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"clock_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone NOT NULL,
	"business_seconds" integer NOT NULL,
	"within_target" boolean NOT NULL,
	"ended_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla"."clocks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ask_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"responder_id" uuid NOT NULL,
	"eligible_ids" uuid[] NOT NULL,
	"charter_version_id" uuid,
	"target_seconds" integer NOT NULL,
	"basis" text NOT NULL,
	"warn_fraction" real NOT NULL,
	"state" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"cycle_started_at" timestamp with time zone,
	"consumed_seconds" integer DEFAULT 0 NOT NULL,
	"paused_at" timestamp with time zone,
	"warn_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"stopped_at" timestamp with time zone,
	"responded_by_id" uuid,
	"elapsed_seconds" integer,
	"within_target" boolean,
	CONSTRAINT "clocks_target" CHECK ("sla"."clocks"."target_seconds" > 0)
);
--> statement-breakpoint
CREATE TABLE "sla"."holidays" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"day" date NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla"."webhook_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "sla"."charter_rows" ADD CONSTRAINT "charter_rows_version_id_charter_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "sla"."charter_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla"."clock_alerts" ADD CONSTRAINT "clock_alerts_clock_id_clocks_id_fk" FOREIGN KEY ("clock_id") REFERENCES "sla"."clocks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla"."clock_cycles" ADD CONSTRAINT "clock_cycles_clock_id_clocks_id_fk" FOREIGN KEY ("clock_id") REFERENCES "sla"."clocks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla"."clocks" ADD CONSTRAINT "clocks_ask_id_asks_id_fk" FOREIGN KEY ("ask_id") REFERENCES "sla"."asks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "asks_source_ref" ON "sla"."asks" USING btree ("source","team_id","source_ref");--> statement-breakpoint
CREATE INDEX "asks_team" ON "sla"."asks" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "charter_rows_kind" ON "sla"."charter_rows" USING btree ("version_id","work_type","medium");--> statement-breakpoint
CREATE UNIQUE INDEX "charter_versions_team_version" ON "sla"."charter_versions" USING btree ("team_id","version");--> statement-breakpoint
CREATE INDEX "clock_cycles_clock" ON "sla"."clock_cycles" USING btree ("clock_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "clocks_ask_responder" ON "sla"."clocks" USING btree ("ask_id","responder_id");--> statement-breakpoint
CREATE INDEX "clocks_warn_due" ON "sla"."clocks" USING btree ("warn_at") WHERE "sla"."clocks"."state" = 'running';--> statement-breakpoint
CREATE INDEX "clocks_due" ON "sla"."clocks" USING btree ("due_at") WHERE "sla"."clocks"."state" = 'running';--> statement-breakpoint
CREATE INDEX "clocks_open_responder" ON "sla"."clocks" USING btree ("responder_id","due_at") WHERE "sla"."clocks"."state" <> 'stopped';--> statement-breakpoint
CREATE INDEX "clocks_team_started" ON "sla"."clocks" USING btree ("team_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "holidays_team_day" ON "sla"."holidays" USING btree ("team_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_tokens_hash" ON "sla"."webhook_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "webhook_tokens_team" ON "sla"."webhook_tokens" USING btree ("team_id");