CREATE SCHEMA "kudos";
--> statement-breakpoint
CREATE TABLE "kudos"."kudos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"from_id" uuid NOT NULL,
	"to_id" uuid NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "kudos_to_idx" ON "kudos"."kudos" USING btree ("to_id","created_at");--> statement-breakpoint
CREATE INDEX "kudos_from_idx" ON "kudos"."kudos" USING btree ("from_id","created_at");