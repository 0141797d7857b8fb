CREATE SCHEMA "writing";
--> statement-breakpoint
CREATE TABLE "writing"."clarifications" (
	"comment_id" uuid PRIMARY KEY NOT NULL,
	"update_id" uuid NOT NULL,
	"commenter_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "writing"."examples" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"review_id" uuid,
	"consented_by" uuid NOT NULL,
	"before" text NOT NULL,
	"after" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "writing"."invitations" (
	"workshop_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"invited_at" timestamp with time zone NOT NULL,
	"attended" boolean DEFAULT false NOT NULL,
	"pledge" text,
	"pledged_at" timestamp with time zone,
	CONSTRAINT "invitations_workshop_id_person_id_pk" PRIMARY KEY("workshop_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "writing"."pairs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"quarter" text NOT NULL,
	"writer_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"proposed_by" uuid NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"writer_accepted" boolean DEFAULT false NOT NULL,
	"partner_accepted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "writing"."review_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"review_id" uuid NOT NULL,
	"sentence" integer NOT NULL,
	"quote" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "writing"."reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pair_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"editor" text NOT NULL,
	"ref" text NOT NULL,
	"link" text NOT NULL,
	"text" text NOT NULL,
	"bottom_line" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"suggested_bottom_line" text,
	"note" text,
	"requested_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"reviewed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "writing"."team_months" (
	"team_id" uuid NOT NULL,
	"month" text NOT NULL,
	"writers" integer NOT NULL,
	"figures" jsonb NOT NULL,
	"frozen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "team_months_team_id_month_pk" PRIMARY KEY("team_id","month")
);
--> statement-breakpoint
CREATE TABLE "writing"."update_measures" (
	"update_id" uuid PRIMARY KEY NOT NULL,
	"author_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"posted_at" timestamp with time zone NOT NULL,
	"bluf_first" boolean NOT NULL,
	"has_ask" boolean NOT NULL,
	"ask_addressed_dated" boolean NOT NULL,
	"sentences" integer NOT NULL,
	"words" integer NOT NULL,
	"grade" real NOT NULL,
	"clarified" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "writing"."workshop_examples" (
	"workshop_id" uuid NOT NULL,
	"example_id" uuid NOT NULL,
	CONSTRAINT "workshop_examples_workshop_id_example_id_pk" PRIMARY KEY("workshop_id","example_id")
);
--> statement-breakpoint
CREATE TABLE "writing"."workshops" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"quarter" text NOT NULL,
	"title" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"minutes" integer NOT NULL,
	"location" text NOT NULL,
	"facilitator_id" uuid NOT NULL,
	"agenda" text NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "writing"."writers" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"wants_feedback" boolean DEFAULT false NOT NULL,
	"offers_reviews" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "writing"."examples" ADD CONSTRAINT "examples_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "writing"."reviews"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "writing"."invitations" ADD CONSTRAINT "invitations_workshop_id_workshops_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "writing"."workshops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "writing"."review_comments" ADD CONSTRAINT "review_comments_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "writing"."reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "writing"."reviews" ADD CONSTRAINT "reviews_pair_id_pairs_id_fk" FOREIGN KEY ("pair_id") REFERENCES "writing"."pairs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "writing"."workshop_examples" ADD CONSTRAINT "workshop_examples_workshop_id_workshops_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "writing"."workshops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "writing"."workshop_examples" ADD CONSTRAINT "workshop_examples_example_id_examples_id_fk" FOREIGN KEY ("example_id") REFERENCES "writing"."examples"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "clarifications_update_idx" ON "writing"."clarifications" USING btree ("update_id");--> statement-breakpoint
CREATE INDEX "invitations_person_idx" ON "writing"."invitations" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "pairs_writer_idx" ON "writing"."pairs" USING btree ("writer_id","quarter");--> statement-breakpoint
CREATE INDEX "pairs_partner_idx" ON "writing"."pairs" USING btree ("partner_id","quarter");--> statement-breakpoint
CREATE INDEX "review_comments_review_idx" ON "writing"."review_comments" USING btree ("review_id","sentence");--> statement-breakpoint
CREATE INDEX "reviews_author_idx" ON "writing"."reviews" USING btree ("author_id","requested_at");--> statement-breakpoint
CREATE INDEX "reviews_partner_idx" ON "writing"."reviews" USING btree ("partner_id","status");--> statement-breakpoint
CREATE INDEX "reviews_ref_idx" ON "writing"."reviews" USING btree ("editor","ref","author_id");--> statement-breakpoint
CREATE INDEX "update_measures_author_idx" ON "writing"."update_measures" USING btree ("author_id","posted_at");--> statement-breakpoint
CREATE INDEX "update_measures_team_idx" ON "writing"."update_measures" USING btree ("team_id","posted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "workshops_quarter_unique" ON "writing"."workshops" USING btree ("quarter");