import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * Long work started by a person (loading the demo, importing a calendar, refreshing feeds),
 * run in the background with its progress kept here, so any instance can show it and no
 * request waits for it.
 */
export const backgroundTasks = pgTable(
  "background_tasks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** What it is, e.g. `demo` or `calendar-audit.import`. */
    kind: text("kind").notNull(),
    label: text("label").notNull(),
    /**
     * Who started it (null before the organization exists: the demo). No foreign key: a failed
     * demo load empties every table, and the record of that failure must survive it.
     */
    startedBy: uuid("started_by"),
    /** SHA-256 of a secret the starting browser holds, for tasks started without an account. */
    claimHash: text("claim_hash"),
    status: text("status", { enum: ["running", "succeeded", "failed", "interrupted"] }).notNull(),
    /** Done and total steps; total 0 while unknown. */
    done: integer("done").notNull().default(0),
    total: integer("total").notNull().default(0),
    step: text("step").notNull().default(""),
    /** What a person reads when it ended: the outcome, or why it failed. */
    message: text("message"),
    /** Where to go when it succeeded. */
    resultUrl: text("result_url"),
    details: jsonb("details").$type<Record<string, unknown>>(),
    instance: text("instance").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("background_tasks_started_by_idx").on(t.startedBy, t.startedAt),
    // Some work must not run twice at once (two demo loads would collide).
    uniqueIndex("background_tasks_one_running_kind").on(t.kind).where(sql`status = 'running' and kind = 'demo'`),
  ],
);

export type BackgroundTask = typeof backgroundTasks.$inferSelect;
