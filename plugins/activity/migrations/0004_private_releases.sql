CREATE TABLE "activity"."releases" (
	"team_id" uuid NOT NULL,
	"week" date NOT NULL,
	"slice" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"released_at" timestamp with time zone NOT NULL,
	"k" integer NOT NULL,
	"members" integer NOT NULL,
	"shown" boolean NOT NULL,
	"reason" text,
	CONSTRAINT "releases_team_id_week_slice_pk" PRIMARY KEY("team_id","week","slice")
);
--> statement-breakpoint
CREATE TABLE "activity"."release_cells" (
	"team_id" uuid NOT NULL,
	"week" date NOT NULL,
	"slice" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"value" double precision NOT NULL,
	"sigma" double precision NOT NULL,
	CONSTRAINT "release_cells_team_id_week_slice_kind_key_pk" PRIMARY KEY("team_id","week","slice","kind","key")
);
--> statement-breakpoint
CREATE TABLE "activity"."release_budget" (
	"person_id" uuid NOT NULL,
	"week" date NOT NULL,
	"team_id" uuid NOT NULL,
	"rho" double precision NOT NULL,
	CONSTRAINT "release_budget_person_id_week_team_id_pk" PRIMARY KEY("person_id","week","team_id"),
	CONSTRAINT "release_budget_rho_check" CHECK ("activity"."release_budget"."rho" > 0)
);
--> statement-breakpoint
CREATE INDEX "releases_team_week_idx" ON "activity"."releases" USING btree ("team_id","slice","week");
--> statement-breakpoint
ALTER TABLE "activity"."events" ADD COLUMN "data_digest" text;
