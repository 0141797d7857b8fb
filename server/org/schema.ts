import { integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** The one organization of this install. Created by the setup page. */
export const organization = pgTable("organization", {
  id: integer("id").primaryKey().default(1),
  name: text("name").notNull(),
  /** Email domains that count as "internal", e.g. `["example.com"]`. */
  emailDomains: text("email_domains").array().notNull().default([]),
  defaultTimeZone: text("default_time_zone").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Who did what to whom: every administrative change lands here. */
export const auditLog = pgTable("audit_log", {
  id: uuid("id").primaryKey().defaultRandom(),
  actorId: uuid("actor_id"),
  action: text("action").notNull(),
  target: text("target"),
  details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
});

/** Secrets generated once per install and shared by every instance (e.g. the key that signs unsubscribe links). */
export const instanceSecrets = pgTable("instance_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
