import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { people } from "../people/schema.ts";

/** In-app notifications: one row per person and thing to look at. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    /** Who sent it: `core` or a plugin id. */
    source: text("source").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    /** A portal path to open, e.g. `/sla/asks/<id>`. */
    link: text("link"),
    /** Notifying twice with the same key is a no-op (handlers are retried). */
    dedupeKey: text("dedupe_key").unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [
    index("notifications_person_idx").on(t.personId, t.createdAt),
    // The unread badge on every page: counts only what is unread, however long the history.
    index("notifications_unread_idx").on(t.personId).where(sql`read_at is null`),
  ],
);
