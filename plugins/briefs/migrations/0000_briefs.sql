CREATE SCHEMA "briefs";
--> statement-breakpoint
CREATE TABLE "briefs"."brief_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brief_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"paragraph" integer NOT NULL,
	"paragraph_hash" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "briefs"."brief_reviewers" (
	"brief_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"answered_at" timestamp with time zone,
	CONSTRAINT "brief_reviewers_brief_id_person_id_pk" PRIMARY KEY("brief_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "briefs"."briefs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"author_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"comment_deadline" timestamp with time zone,
	"synthesis" text DEFAULT '' NOT NULL,
	"decision" text DEFAULT '' NOT NULL,
	"sent_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "briefs"."decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"brief_id" uuid,
	"interview_id" uuid,
	"title" text NOT NULL,
	"decided_by" text NOT NULL,
	"decided_on" text NOT NULL,
	"rationale" text NOT NULL,
	"links" text DEFAULT '' NOT NULL,
	"recorded_by_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce("decided_by", '') || ' ' || coalesce("rationale", '') || ' ' || coalesce("links", '')), 'B')) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "briefs"."interviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"candidate_name" text NOT NULL,
	"candidate_contact" text DEFAULT '' NOT NULL,
	"role" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by_id" uuid NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"synthesis" text DEFAULT '' NOT NULL,
	"outcome" text,
	"asks_opened_at" timestamp with time zone,
	"synthesized_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "briefs"."notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"interview_id" uuid NOT NULL,
	"interviewer_id" uuid NOT NULL,
	"ratings" jsonb NOT NULL,
	"evidence" text NOT NULL,
	"recommendation" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "briefs"."panelists" (
	"interview_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"part" text NOT NULL,
	CONSTRAINT "panelists_interview_id_person_id_part_pk" PRIMARY KEY("interview_id","person_id","part")
);
--> statement-breakpoint
ALTER TABLE "briefs"."brief_comments" ADD CONSTRAINT "brief_comments_brief_id_briefs_id_fk" FOREIGN KEY ("brief_id") REFERENCES "briefs"."briefs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "briefs"."brief_reviewers" ADD CONSTRAINT "brief_reviewers_brief_id_briefs_id_fk" FOREIGN KEY ("brief_id") REFERENCES "briefs"."briefs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "briefs"."decisions" ADD CONSTRAINT "decisions_brief_id_briefs_id_fk" FOREIGN KEY ("brief_id") REFERENCES "briefs"."briefs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "briefs"."decisions" ADD CONSTRAINT "decisions_interview_id_interviews_id_fk" FOREIGN KEY ("interview_id") REFERENCES "briefs"."interviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "briefs"."notes" ADD CONSTRAINT "notes_interview_id_interviews_id_fk" FOREIGN KEY ("interview_id") REFERENCES "briefs"."interviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "briefs"."panelists" ADD CONSTRAINT "panelists_interview_id_interviews_id_fk" FOREIGN KEY ("interview_id") REFERENCES "briefs"."interviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "brief_comments_brief_idx" ON "briefs"."brief_comments" USING btree ("brief_id","paragraph","created_at");--> statement-breakpoint
CREATE INDEX "brief_reviewers_person_idx" ON "briefs"."brief_reviewers" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "briefs_author_idx" ON "briefs"."briefs" USING btree ("author_id","updated_at");--> statement-breakpoint
CREATE INDEX "briefs_state_idx" ON "briefs"."briefs" USING btree ("state","updated_at");--> statement-breakpoint
CREATE INDEX "decisions_search_idx" ON "briefs"."decisions" USING gin ("search");--> statement-breakpoint
CREATE INDEX "decisions_decided_idx" ON "briefs"."decisions" USING btree ("decided_on","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_brief_uq" ON "briefs"."decisions" USING btree ("brief_id");--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_interview_uq" ON "briefs"."decisions" USING btree ("interview_id");--> statement-breakpoint
CREATE INDEX "interviews_ends_idx" ON "briefs"."interviews" USING btree ("ends_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notes_interviewer_uq" ON "briefs"."notes" USING btree ("interview_id","interviewer_id");--> statement-breakpoint
CREATE INDEX "panelists_person_idx" ON "briefs"."panelists" USING btree ("person_id");