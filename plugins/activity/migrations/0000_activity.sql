CREATE SCHEMA "activity";
--> statement-breakpoint
CREATE TABLE "activity"."buckets" (
	"device_id" uuid NOT NULL,
	"bucket_id" text NOT NULL,
	"type" text NOT NULL,
	"client" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buckets_device_id_bucket_id_pk" PRIMARY KEY("device_id","bucket_id")
);
--> statement-breakpoint
CREATE TABLE "activity"."category_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"path" jsonb NOT NULL,
	"pattern" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activity"."devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "activity"."events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"device_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"client_id" text NOT NULL,
	"bucket_id" text,
	"start_at" timestamp with time zone NOT NULL,
	"duration_s" double precision NOT NULL,
	"app" text,
	"category" text,
	"afk" boolean NOT NULL,
	CONSTRAINT "events_duration_check" CHECK ("activity"."events"."duration_s" >= 0)
);
--> statement-breakpoint
CREATE TABLE "activity"."pauses" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"paused_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activity"."policy" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"min_group_size" integer DEFAULT 5 NOT NULL,
	"rollup_retention_days" integer DEFAULT 90 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_single_row" CHECK ("activity"."policy"."id" = 1),
	CONSTRAINT "policy_min_group_check" CHECK ("activity"."policy"."min_group_size" >= 5),
	CONSTRAINT "policy_retention_check" CHECK ("activity"."policy"."rollup_retention_days" between 7 and 730)
);
--> statement-breakpoint
CREATE TABLE "activity"."policy_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"changed_by" uuid NOT NULL,
	"field" text NOT NULL,
	"old_value" integer NOT NULL,
	"new_value" integer NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activity"."rollup_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"rolled_until" timestamp with time zone,
	CONSTRAINT "rollup_state_single_row" CHECK ("activity"."rollup_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "activity"."rollups" (
	"person_id" uuid NOT NULL,
	"slot_start" timestamp with time zone NOT NULL,
	"category" text NOT NULL,
	"seconds" integer NOT NULL,
	CONSTRAINT "rollups_person_id_slot_start_category_pk" PRIMARY KEY("person_id","slot_start","category")
) PARTITION BY RANGE ("slot_start");
--> statement-breakpoint
ALTER TABLE "activity"."buckets" ADD CONSTRAINT "buckets_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "activity"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "devices_token_hash_unique" ON "activity"."devices" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "devices_person_idx" ON "activity"."devices" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_device_client_unique" ON "activity"."events" USING btree ("device_id","client_id");--> statement-breakpoint
CREATE INDEX "events_bucket_start_idx" ON "activity"."events" USING btree ("device_id","bucket_id","start_at");--> statement-breakpoint
CREATE INDEX "events_person_start_idx" ON "activity"."events" USING btree ("person_id","start_at");--> statement-breakpoint
CREATE INDEX "policy_changes_at_idx" ON "activity"."policy_changes" USING btree ("changed_at");--> statement-breakpoint
CREATE INDEX "rollups_slot_idx" ON "activity"."rollups" USING btree ("slot_start");--> statement-breakpoint
INSERT INTO "activity"."policy" ("id") VALUES (1);--> statement-breakpoint
INSERT INTO "activity"."rollup_state" ("id") VALUES (1);--> statement-breakpoint
INSERT INTO "activity"."category_rules" ("path", "pattern", "position") VALUES
	('["Focus work", "Programming"]'::jsonb, 'code|vim|emacs|intellij|idea|pycharm|webstorm|goland|rider|xcode|android studio|terminal|iterm|alacritty|kitty|konsole|wezterm|sublime|zed', 0),
	('["Focus work", "Design"]'::jsonb, 'figma|sketch|photoshop|illustrator|inkscape|gimp|blender|affinity', 1),
	('["Meetings"]'::jsonb, 'zoom|google meet|webex|gotomeeting|jitsi|facetime|skype|around|whereby', 2),
	('["Communication", "Chat"]'::jsonb, 'slack|discord|teams|mattermost|element|signal|telegram|whatsapp|zulip', 3),
	('["Communication", "Email"]'::jsonb, 'mail|outlook|thunderbird|mimestream|superhuman', 4),
	('["Docs"]'::jsonb, 'word|excel|powerpoint|libreoffice|soffice|keynote|notion|obsidian|acrobat|evince|okular|confluence', 5),
	('["Browsing"]'::jsonb, 'firefox|chrome|chromium|safari|edge|brave|opera|vivaldi|arc', 6);