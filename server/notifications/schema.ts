import { sql } from "drizzle-orm";
import { boolean, check, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
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

/** A person's choice of channels for one kind of notification; no row means the defaults. */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    portal: boolean("portal").notNull(),
    email: boolean("email").notNull(),
    chat: boolean("chat").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.kind] })],
);

/**
 * Quiet hours in the person's own time zone ("HH:MM", half-open, may wrap past midnight):
 * email and chat wait until they end; the portal is not held.
 */
export const quietHours = pgTable(
  "quiet_hours",
  {
    personId: uuid("person_id")
      .primaryKey()
      .references(() => people.id, { onDelete: "cascade" }),
    starts: text("starts").notNull(),
    ends: text("ends").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      "quiet_hours_clock",
      sql`${t.starts} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and ${t.ends} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`,
    ),
  ],
);
