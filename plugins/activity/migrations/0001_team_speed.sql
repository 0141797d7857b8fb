CREATE TABLE "activity"."rollup_hours" (
	"person_id" uuid NOT NULL,
	"hour_start" timestamp with time zone NOT NULL,
	"category" text NOT NULL,
	"seconds" integer NOT NULL,
	"after_hours_seconds" integer NOT NULL,
	CONSTRAINT "rollup_hours_person_id_hour_start_category_pk" PRIMARY KEY("person_id","hour_start","category")
);
--> statement-breakpoint
ALTER TABLE "activity"."rollups" ADD COLUMN "after_hours" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "rollup_hours_hour_idx" ON "activity"."rollup_hours" USING btree ("hour_start");--> statement-breakpoint
UPDATE "activity"."rollups" r SET "after_hours" = NOT EXISTS (
	SELECT 1 FROM jsonb_array_elements(coalesce(p.working_hours -> (array['mon','tue','wed','thu','fri','sat','sun'])[extract(isodow from r.slot_start at time zone p.time_zone)::int], '[]'::jsonb)) iv
	WHERE to_char(r.slot_start at time zone p.time_zone, 'HH24:MI') >= iv->>0 AND to_char(r.slot_start at time zone p.time_zone, 'HH24:MI') < iv->>1
) FROM "people" p WHERE p.id = r.person_id;--> statement-breakpoint
INSERT INTO "activity"."rollup_hours" ("person_id", "hour_start", "category", "seconds", "after_hours_seconds")
	SELECT person_id, date_bin('1 hour', slot_start, timestamptz '2000-01-01T00:00:00Z'), category, sum(seconds)::int, coalesce(sum(seconds) FILTER (WHERE after_hours), 0)::int
	FROM "activity"."rollups" GROUP BY 1, 2, 3;
