import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { pluginSchema } from "../../server/plugin-api.ts";

/** Every activity table lives in the plugin's own Postgres schema, `activity`. */
export const activitySchema = pluginSchema("activity");

/** A person's desktop agent. The token is stored only as its SHA-256 hash. */
export const devices = activitySchema.table(
  "devices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    personId: uuid("person_id").notNull(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("devices_token_hash_unique").on(t.tokenHash), index("devices_person_idx").on(t.personId)],
);

/** ActivityWatch buckets a device created (metadata only: type and client name). */
export const buckets = activitySchema.table(
  "buckets",
  {
    deviceId: uuid("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    bucketId: text("bucket_id").notNull(),
    type: text("type").notNull(),
    client: text("client").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.bucketId] })],
);

/**
 * Raw events, kept at most 24 hours before the rollup job folds them into `rollups`. Only the
 * app name (or a category) and the AFK flag are stored: never a window title or URL.
 * `app` null means a presence event (an AFK watcher's "afk" / "not-afk").
 */
export const events = activitySchema.table(
  "events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    deviceId: uuid("device_id").notNull(),
    personId: uuid("person_id").notNull(),
    clientId: text("client_id").notNull(),
    bucketId: text("bucket_id"),
    startAt: timestamp("start_at", { withTimezone: true }).notNull(),
    durationS: doublePrecision("duration_s").notNull(),
    app: text("app"),
    category: text("category"),
    afk: boolean("afk").notNull(),
    /**
     * A keyed digest (HMAC-SHA-256 with the device's own token, which the server never
     * stores) of the event's full ActivityWatch `data`, title included: lets a heartbeat merge
     * compare the full data as aw-server does without keeping the title or anything that
     * could be matched against a guessed title.
     */
    dataDigest: text("data_digest"),
  },
  (t) => [
    uniqueIndex("events_device_client_unique").on(t.deviceId, t.clientId),
    index("events_bucket_start_idx").on(t.deviceId, t.bucketId, t.startAt),
    index("events_person_start_idx").on(t.personId, t.startAt),
    check("events_duration_check", sql`${t.durationS} >= 0`),
  ],
);

/**
 * Seconds active per person, 15-minute slot and category. Partitioned by month on
 * `slot_start` (the migration declares the partitioning; the rollup job creates partitions
 * ahead of time and drops whole months past retention).
 */
export const rollups = activitySchema.table(
  "rollups",
  {
    personId: uuid("person_id").notNull(),
    slotStart: timestamp("slot_start", { withTimezone: true }).notNull(),
    category: text("category").notNull(),
    seconds: integer("seconds").notNull(),
    /**
     * Whether the slot lies outside the person's own working hours (`people.working_hours`,
     * read in the person's time zone), decided when the slot is rolled up. A slot is final 24
     * hours after it ends, so later edits of someone's working hours do not rewrite history.
     */
    afterHours: boolean("after_hours").notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.personId, t.slotStart, t.category] }), index("rollups_slot_idx").on(t.slotStart)],
);

/**
 * Rollups summed per person, UTC hour and category: what the team figures read, a fraction of
 * the rows of `rollups`. Rebuilt from `rollups` by every
 * writer of rollups (`refreshHours`), so it never holds anything `rollups` does not.
 */
export const rollupHours = activitySchema.table(
  "rollup_hours",
  {
    personId: uuid("person_id").notNull(),
    hourStart: timestamp("hour_start", { withTimezone: true }).notNull(),
    category: text("category").notNull(),
    seconds: integer("seconds").notNull(),
    afterHoursSeconds: integer("after_hours_seconds").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.personId, t.hourStart, t.category] }),
    index("rollup_hours_hour_idx").on(t.hourStart),
  ],
);

/** App → category rules, ActivityWatch style: a category path and a case-insensitive regex. */
export const categoryRules = activitySchema.table("category_rules", {
  id: uuid("id").primaryKey().defaultRandom(),
  path: jsonb("path").$type<string[]>().notNull(),
  pattern: text("pattern").notNull(),
  position: integer("position").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** The privacy policy: one row. Changes go through `policy_changes`, which every member can read. */
export const policy = activitySchema.table(
  "policy",
  {
    id: integer("id").primaryKey().default(1),
    minGroupSize: integer("min_group_size").notNull().default(5),
    rollupRetentionDays: integer("rollup_retention_days").notNull().default(90),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("policy_single_row", sql`${t.id} = 1`),
    check("policy_min_group_check", sql`${t.minGroupSize} >= 5`),
    check("policy_retention_check", sql`${t.rollupRetentionDays} between 7 and 730`),
  ],
);

/** The audit log of policy changes, shown to every member. */
export const policyChanges = activitySchema.table(
  "policy_changes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    changedBy: uuid("changed_by").notNull(),
    field: text("field").notNull(),
    oldValue: integer("old_value").notNull(),
    newValue: integer("new_value").notNull(),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("policy_changes_at_idx").on(t.changedAt)],
);

/** People who paused collection: events from their devices are dropped at the door. */
export const pauses = activitySchema.table("pauses", {
  personId: uuid("person_id").primaryKey(),
  pausedAt: timestamp("paused_at", { withTimezone: true }).notNull(),
});

/** Job bookkeeping: slots before `rolled_until` are final and their raw events may be gone. */
export const rollupState = activitySchema.table(
  "rollup_state",
  {
    id: integer("id").primaryKey().default(1),
    rolledUntil: timestamp("rolled_until", { withTimezone: true }),
  },
  (t) => [check("rollup_state_single_row", sql`${t.id} = 1`)],
);

/**
 * One frozen release of a team's figures for one closed ISO week (in the team's zone): the
 * whole team (`slice` '') and each time-zone slice. Written once by the release job, never
 * updated: team pages, the API and the digest read only these rows and `release_cells`.
 * `members` is how many of the week's members the release used (its denominator).
 */
export const releases = activitySchema.table(
  "releases",
  {
    teamId: uuid("team_id").notNull(),
    week: date("week", { mode: "string" }).notNull(),
    slice: text("slice").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    periodEnd: timestamp("period_end", { withTimezone: true }).notNull(),
    timeZone: text("time_zone").notNull(),
    releasedAt: timestamp("released_at", { withTimezone: true }).notNull(),
    k: integer("k").notNull(),
    members: integer("members").notNull(),
    shown: boolean("shown").notNull(),
    reason: text("reason"),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.week, t.slice] }),
    index("releases_team_week_idx").on(t.teamId, t.slice, t.week),
  ],
);

/**
 * The noisy figures of a release: `kind` heat (key "weekday:hour", value person-hours),
 * category (key the top-level category, value the sum of people's category shares), after
 * (sum of people's after-hours shares) and people (contributors). `sigma` is the standard
 * deviation of the Gaussian noise drawn once, at release, and stored with the value.
 */
export const releaseCells = activitySchema.table(
  "release_cells",
  {
    teamId: uuid("team_id").notNull(),
    week: date("week", { mode: "string" }).notNull(),
    slice: text("slice").notNull(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    value: doublePrecision("value").notNull(),
    sigma: doublePrecision("sigma").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.week, t.slice, t.kind, t.key] })],
);

/**
 * The privacy-loss ledger: how much of each person's weekly budget (zCDP ρ) each team's
 * release of that week spent. It is also the release's frozen membership.
 */
export const releaseBudget = activitySchema.table(
  "release_budget",
  {
    personId: uuid("person_id").notNull(),
    week: date("week", { mode: "string" }).notNull(),
    teamId: uuid("team_id").notNull(),
    rho: doublePrecision("rho").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.personId, t.week, t.teamId] }),
    check("release_budget_rho_check", sql`${t.rho} > 0`),
  ],
);
