CREATE SCHEMA "status_updates";
--> statement-breakpoint
CREATE TABLE "status_updates"."acknowledgements" (
	"update_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "acknowledgements_update_id_person_id_pk" PRIMARY KEY("update_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "status_updates"."ask_addressees" (
	"ask_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"answered_at" timestamp with time zone,
	"answer_comment_id" uuid,
	CONSTRAINT "ask_addressees_ask_id_person_id_pk" PRIMARY KEY("ask_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "status_updates"."asks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"update_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"asker_id" uuid NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_updates"."checkins" (
	"team_id" uuid PRIMARY KEY NOT NULL,
	"cadence" text DEFAULT 'weekly' NOT NULL,
	"weekday" integer DEFAULT 5 NOT NULL,
	"time" text DEFAULT '15:00' NOT NULL,
	"questions" jsonb NOT NULL,
	"excluded_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "status_updates"."comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"update_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', "body")) STORED
);
--> statement-breakpoint
CREATE TABLE "status_updates"."update_edits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"update_id" uuid NOT NULL,
	"editor_id" uuid NOT NULL,
	"previous" jsonb NOT NULL,
	"edited_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_updates"."updates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"period" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"answers" jsonb NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"bottom_line" text DEFAULT '' NOT NULL,
	"blockers" text DEFAULT '' NOT NULL,
	"has_blockers" boolean DEFAULT false NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"posted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', "body")) STORED
);
--> statement-breakpoint
ALTER TABLE "status_updates"."acknowledgements" ADD CONSTRAINT "acknowledgements_update_id_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "status_updates"."updates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_updates"."ask_addressees" ADD CONSTRAINT "ask_addressees_ask_id_asks_id_fk" FOREIGN KEY ("ask_id") REFERENCES "status_updates"."asks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_updates"."asks" ADD CONSTRAINT "asks_update_id_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "status_updates"."updates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_updates"."comments" ADD CONSTRAINT "comments_update_id_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "status_updates"."updates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_updates"."update_edits" ADD CONSTRAINT "update_edits_update_id_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "status_updates"."updates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ask_addressees_person_idx" ON "status_updates"."ask_addressees" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "asks_update_unique" ON "status_updates"."asks" USING btree ("update_id");--> statement-breakpoint
CREATE INDEX "comments_update_idx" ON "status_updates"."comments" USING btree ("update_id","created_at");--> statement-breakpoint
CREATE INDEX "comments_search_idx" ON "status_updates"."comments" USING gin ("search");--> statement-breakpoint
CREATE INDEX "update_edits_update_idx" ON "status_updates"."update_edits" USING btree ("update_id","edited_at");--> statement-breakpoint
CREATE UNIQUE INDEX "updates_author_period_unique" ON "status_updates"."updates" USING btree ("team_id","author_id","period");--> statement-breakpoint
CREATE INDEX "updates_team_period_idx" ON "status_updates"."updates" USING btree ("team_id","period");--> statement-breakpoint
CREATE INDEX "updates_search_idx" ON "status_updates"."updates" USING gin ("search");