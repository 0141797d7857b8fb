CREATE TABLE "notification_preferences" (
	"person_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"portal" boolean NOT NULL,
	"email" boolean NOT NULL,
	"chat" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_preferences_person_id_kind_pk" PRIMARY KEY("person_id","kind")
);
--> statement-breakpoint
CREATE TABLE "quiet_hours" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"starts" text NOT NULL,
	"ends" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quiet_hours_clock" CHECK ("quiet_hours"."starts" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and "quiet_hours"."ends" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
);
--> statement-breakpoint
CREATE TABLE "chat_accounts" (
	"person_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"user_id" text NOT NULL,
	"workspace_id" text DEFAULT '' NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_accounts_person_id_provider_pk" PRIMARY KEY("person_id","provider"),
	CONSTRAINT "chat_accounts_provider" CHECK ("chat_accounts"."provider" in ('slack'))
);
--> statement-breakpoint
CREATE TABLE "chat_team_channels" (
	"team_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"channel_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_team_channels_team_id_provider_pk" PRIMARY KEY("team_id","provider"),
	CONSTRAINT "chat_team_channels_provider" CHECK ("chat_team_channels"."provider" in ('slack'))
);
--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quiet_hours" ADD CONSTRAINT "quiet_hours_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_accounts" ADD CONSTRAINT "chat_accounts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_team_channels" ADD CONSTRAINT "chat_team_channels_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "chat_accounts_user_unique" ON "chat_accounts" USING btree ("provider","user_id");
