CREATE INDEX IF NOT EXISTS "notifications_unread_idx" ON "notifications" USING btree ("person_id") WHERE read_at is null;
