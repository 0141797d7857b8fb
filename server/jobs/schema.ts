import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** One row per (job, slot) run anywhere in the cluster: the unique key is what makes a global job run once. */
export const jobClaims = pgTable(
  "job_claims",
  {
    jobId: text("job_id").notNull(),
    slot: timestamp("slot", { withTimezone: true }).notNull(),
    instance: text("instance").notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.slot] })],
);

export const jobRuns = pgTable(
  "job_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    jobId: text("job_id").notNull(),
    slot: timestamp("slot", { withTimezone: true }),
    trigger: text("trigger", { enum: ["schedule", "manual"] }).notNull(),
    instance: text("instance").notNull(),
    status: text("status", { enum: ["running", "succeeded", "failed"] }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    durationMs: integer("duration_ms"),
    error: text("error"),
    summary: text("summary"),
  },
  (t) => [index("job_runs_job_idx").on(t.jobId, t.startedAt)],
);

/**
 * "Handled for this period" marks for person-local schedules, e.g. the weekly digest for
 * person P in ISO week 2026-W10. Inserting the mark is the claim.
 */
export const personScheduleMarks = pgTable(
  "person_schedule_marks",
  {
    key: text("key").notNull(),
    personId: uuid("person_id").notNull(),
    period: text("period").notNull(),
    markedAt: timestamp("marked_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.key, t.personId, t.period] })],
);
