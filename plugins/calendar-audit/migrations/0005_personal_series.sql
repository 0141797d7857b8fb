-- A series imported from someone's own calendar ("My calendar") belongs to that person; it is
-- shown to a team only when it includes another member of that team (team_id set at import).
ALTER TABLE "calendar_audit"."series" ADD COLUMN "owner_id" uuid;--> statement-breakpoint
CREATE INDEX "series_owner_idx" ON "calendar_audit"."series" USING btree ("owner_id");
