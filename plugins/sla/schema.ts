import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { pluginSchema } from "../../server/plugin-api.ts";

/** Every SLA table lives in the plugin's own Postgres schema, `sla`. */
export const slaSchema = pluginSchema("sla");

export const targetBases = ["business", "calendar"] as const;
export type TargetBasis = (typeof targetBases)[number];
export const responderModes = ["addressees", "managers", "person"] as const;
export type ResponderMode = (typeof responderModes)[number];

/** One published version of a team's charter. Versions are never edited: a change is a new version. */
export const charterVersions = slaSchema.table(
  "charter_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    teamId: uuid("team_id").notNull(),
    version: integer("version").notNull(),
    createdById: uuid("created_by_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("charter_versions_team_version").on(t.teamId, t.version)],
);

/** A row of a charter version: work type → medium → target → who responds. */
export const charterRows = slaSchema.table(
  "charter_rows",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    versionId: uuid("version_id")
      .notNull()
      .references(() => charterVersions.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    workType: text("work_type").notNull(),
    medium: text("medium").notNull(),
    targetMinutes: integer("target_minutes").notNull(),
    basis: text("basis", { enum: targetBases }).notNull(),
    responders: text("responders", { enum: responderModes }).notNull(),
    responderId: uuid("responder_id"),
  },
  (t) => [
    uniqueIndex("charter_rows_kind").on(t.versionId, t.workType, t.medium),
    check("charter_rows_target", sql`${t.targetMinutes} > 0 and ${t.targetMinutes} <= 120000`),
  ],
);

/** A team's business calendar (without one, the team's zone and Mon–Fri 09:00–17:00 apply). */
export const calendars = slaSchema.table("calendars", {
  teamId: uuid("team_id").primaryKey(),
  timeZone: text("time_zone").notNull(),
  /** ISO weekday → local "HH:MM" half-open intervals. */
  open: jsonb("open").$type<Record<string, [string, string][]>>().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});

/** Closed days the SLA calendar adds to the team's core holidays. */
export const holidays = slaSchema.table(
  "holidays",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    teamId: uuid("team_id").notNull(),
    day: date("day").notNull(),
    name: text("name").notNull(),
  },
  (t) => [uniqueIndex("holidays_team_day").on(t.teamId, t.day)],
);

/** Webhook tokens: only a SHA-256 hash is stored; `prefix` lets people recognise a token in lists. */
export const webhookTokens = slaSchema.table(
  "webhook_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    teamId: uuid("team_id").notNull(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdById: uuid("created_by_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("webhook_tokens_hash").on(t.tokenHash), index("webhook_tokens_team").on(t.teamId)],
);

/** Something asked of people: from a portal event (`source_ref` = the ask id) or a webhook (its external id). */
export const asks = slaSchema.table(
  "asks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    source: text("source").notNull(),
    sourceRef: text("source_ref").notNull(),
    teamId: uuid("team_id").notNull(),
    askerId: uuid("asker_id"),
    workType: text("work_type").notNull(),
    medium: text("medium").notNull(),
    title: text("title").notNull(),
    link: text("link").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("asks_source_ref").on(t.source, t.teamId, t.sourceRef),
    index("asks_team").on(t.teamId, t.createdAt),
  ],
);

export const clockStates = ["running", "paused", "stopped"] as const;
export type ClockState = (typeof clockStates)[number];

/**
 * One responder's clock on an ask. The charter version and target it started with are kept, so a
 * charter change applies to new asks only. `due_at` / `warn_at` are computed whenever the clock
 * starts or resumes, so the breach job is an indexed range query.
 */
export const clocks = slaSchema.table(
  "clocks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    askId: uuid("ask_id")
      .notNull()
      .references(() => asks.id, { onDelete: "cascade" }),
    teamId: uuid("team_id").notNull(),
    responderId: uuid("responder_id").notNull(),
    /** Whose response stops this clock (the responder, or the whole manager group). */
    eligibleIds: uuid("eligible_ids").array().notNull(),
    charterVersionId: uuid("charter_version_id"),
    targetSeconds: integer("target_seconds").notNull(),
    basis: text("basis", { enum: targetBases }).notNull(),
    warnFraction: real("warn_fraction").notNull(),
    state: text("state", { enum: clockStates }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    /** Start of the running cycle (null while paused or stopped). */
    cycleStartedAt: timestamp("cycle_started_at", { withTimezone: true }),
    /** Business seconds consumed by closed cycles. */
    consumedSeconds: integer("consumed_seconds").notNull().default(0),
    pausedAt: timestamp("paused_at", { withTimezone: true }),
    warnAt: timestamp("warn_at", { withTimezone: true }),
    dueAt: timestamp("due_at", { withTimezone: true }),
    stoppedAt: timestamp("stopped_at", { withTimezone: true }),
    respondedById: uuid("responded_by_id"),
    /** Business seconds to first response (set when stopped). */
    elapsedSeconds: integer("elapsed_seconds"),
    withinTarget: boolean("within_target"),
  },
  (t) => [
    uniqueIndex("clocks_ask_responder").on(t.askId, t.responderId),
    index("clocks_warn_due").on(t.warnAt).where(sql`${t.state} = 'running'`),
    index("clocks_due").on(t.dueAt).where(sql`${t.state} = 'running'`),
    index("clocks_open_responder").on(t.responderId, t.dueAt).where(sql`${t.state} <> 'stopped'`),
    index("clocks_team_started").on(t.teamId, t.startedAt),
    check("clocks_target", sql`${t.targetSeconds} > 0`),
  ],
);

/** A running stretch of a clock, from start or resume to pause or stop. */
export const clockCycles = slaSchema.table(
  "clock_cycles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    clockId: uuid("clock_id")
      .notNull()
      .references(() => clocks.id, { onDelete: "cascade" }),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    stoppedAt: timestamp("stopped_at", { withTimezone: true }).notNull(),
    businessSeconds: integer("business_seconds").notNull(),
    /** Whether the clock's consumed time was still within target at the end of this cycle. */
    withinTarget: boolean("within_target").notNull(),
    endedBy: text("ended_by", { enum: ["pause", "response"] }).notNull(),
  },
  (t) => [index("clock_cycles_clock").on(t.clockId, t.startedAt)],
);

/**
 * First responses to portal asks, recorded as they arrive. Events are not delivered in order: an
 * answer handled before its ask is kept here and stops the clock when the ask arrives.
 */
export const answers = slaSchema.table(
  "answers",
  {
    /** The ask id in the emitting plugin (`asks.source_ref`). */
    sourceRef: text("source_ref").notNull(),
    responderId: uuid("responder_id").notNull(),
    answeredAt: timestamp("answered_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceRef, t.responderId] })],
);

/** A warning or breach that was notified: the unique key makes each happen once across runs and instances. */
export const clockAlerts = slaSchema.table(
  "clock_alerts",
  {
    clockId: uuid("clock_id")
      .notNull()
      .references(() => clocks.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["warning", "breach"] }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.clockId, t.kind] })],
);
