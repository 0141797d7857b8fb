import { getTableColumns } from "drizzle-orm";
import {
  boolean,
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
import type { Attendee } from "./expansion.ts";

/** Every calendar-audit table lives in the plugin's own Postgres schema, `calendar_audit`. */
export const calendarAuditSchema = pluginSchema("calendar-audit");

/** Where calendars come from: uploads (one row per person or team) and secret feed URLs. */
export const calendarSources = calendarAuditSchema.table(
  "sources",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind", { enum: ["upload", "feed"] }).notNull(),
    name: text("name").notNull(),
    personId: uuid("person_id"),
    teamId: uuid("team_id"),
    /** The feed URL sealed with AES-GCM; never shown back in full. */
    feedUrlSealed: text("feed_url_sealed"),
    feedUrlMasked: text("feed_url_masked"),
    status: text("status", { enum: ["pending", "ok", "failed"] })
      .notNull()
      .default("pending"),
    lastError: text("last_error"),
    failures: integer("failures").notNull().default(0),
    nextFetchAt: timestamp("next_fetch_at", { withTimezone: true }),
    lastFetchedAt: timestamp("last_fetched_at", { withTimezone: true }),
    createdBy: uuid("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sources_due_idx").on(t.kind, t.nextFetchAt)],
);

/** One import run of one file or feed fetch, polled for progress. */
export const calendarImports = calendarAuditSchema.table(
  "imports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sourceId: uuid("source_id").notNull(),
    fileName: text("file_name").notNull(),
    status: text("status", { enum: ["queued", "running", "done", "failed"] })
      .notNull()
      .default("queued"),
    /**
     * The uploaded text while the import waits, from before uploads were stored in pieces
     * (`import_parts`); an import queued by an older version still carries it here.
     */
    payload: text("payload"),
    /** False while the upload's pieces are still being written; only ready imports are run. */
    ready: boolean("ready").notNull().default(true),
    /** 0-100. */
    progress: integer("progress").notNull().default(0),
    message: text("message"),
    problems: jsonb("problems").$type<string[]>().notNull().default([]),
    eventCount: integer("event_count").notNull().default(0),
    seriesCount: integer("series_count").notNull().default(0),
    occurrenceCount: integer("occurrence_count").notNull().default(0),
    createdBy: uuid("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("imports_source_idx").on(t.sourceId, t.createdAt)],
);

/**
 * An uploaded file waiting for its import, in pieces: writing or reading a 10 MB file in one
 * statement would hold the embedded database for a noticeable time. Deleted when the import
 * finishes.
 */
export const calendarImportParts = calendarAuditSchema.table(
  "import_parts",
  {
    importId: uuid("import_id")
      .notNull()
      .references(() => calendarImports.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    body: text("body").notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

export const categories = [
  "one-on-one",
  "brainstorm",
  "incident",
  "onboarding",
  "decision",
  "external",
  "status",
  "kickoff",
  "review",
  "hiring-debrief",
  "broadcast",
  "retro",
  "not-a-meeting",
] as const;
export type Category = (typeof categories)[number];

/** A calendar event keyed by its iCalendar UID: re-imports update it, overrides stay. */
export const meetingSeries = calendarAuditSchema.table(
  "series",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    uid: text("uid").notNull(),
    sourceId: uuid("source_id").notNull(),
    /** The team that sees it; for a personal calendar, only a team with another member attending. */
    teamId: uuid("team_id"),
    /** Set for a series imported from someone's own calendar: without a team, only they see it. */
    ownerId: uuid("owner_id"),
    summary: text("summary").notNull(),
    organizer: text("organizer"),
    recurring: boolean("recurring").notNull(),
    rrule: text("rrule"),
    hasEnd: boolean("has_end").notNull(),
    timeZone: text("time_zone"),
    allDay: boolean("all_day").notNull(),
    durationMinutes: integer("duration_minutes").notNull(),
    /** Occurrences per week implied by the rule (0 for one-off events). */
    perWeek: real("per_week").notNull(),
    cadence: text("cadence").notNull(),
    attendees: jsonb("attendees").$type<Attendee[]>().notNull(),
    attendeeTotal: integer("attendee_total").notNull(),
    rooms: jsonb("rooms").$type<string[]>().notNull(),
    category: text("category", { enum: categories }).notNull(),
    confidence: real("confidence").notNull(),
    reasons: jsonb("reasons").$type<string[]>().notNull(),
    /** A manager's classification; it wins over `category` and survives re-imports. */
    overrideCategory: text("override_category", { enum: categories }),
    overrideBy: uuid("override_by"),
    overrideAt: timestamp("override_at", { withTimezone: true }),
    outcome: text("outcome", { enum: ["active", "converted", "killed"] })
      .notNull()
      .default("active"),
    outcomeOn: date("outcome_on"),
    pollSentAt: timestamp("poll_sent_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("series_uid_unique").on(t.uid),
    index("series_team_idx").on(t.teamId, t.recurring),
    index("series_owner_idx").on(t.ownerId),
  ],
);

/** Expanded occurrences in the import window (cancelled instances are never stored). */
export const meetingOccurrences = calendarAuditSchema.table(
  "occurrences",
  {
    seriesId: uuid("series_id").notNull(),
    start: timestamp("start", { withTimezone: true }).notNull(),
    end: timestamp("end", { withTimezone: true }).notNull(),
    recurrenceId: timestamp("recurrence_id", { withTimezone: true }),
    allDay: boolean("all_day").notNull(),
    /** People who attend (declined excluded), optional ones counted separately. */
    required: integer("required").notNull(),
    optional: integer("optional").notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.start] }), index("occurrences_start_idx").on(t.start)],
);

/** "Would you miss this meeting?" answers, one per person per series. */
export const pollAnswers = calendarAuditSchema.table(
  "poll_answers",
  {
    seriesId: uuid("series_id").notNull(),
    personId: uuid("person_id").notNull(),
    answer: text("answer", { enum: ["yes", "no", "unsure"] }).notNull(),
    comment: text("comment").notNull().default(""),
    answeredAt: timestamp("answered_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.personId] })],
);

/** The transition plan: one conversion per team per month. */
export const transitionPlan = calendarAuditSchema.table(
  "plan",
  {
    teamId: uuid("team_id").notNull(),
    /** "2026-04". */
    month: text("month").notNull(),
    seriesId: uuid("series_id").notNull(),
    createdBy: uuid("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.month] }), index("plan_series_idx").on(t.seriesId)],
);

export type MeetingSeries = typeof meetingSeries.$inferSelect;
export type CalendarSource = typeof calendarSources.$inferSelect;
/** An import as pages and the importer see it: everything but the (large) payload. */
export type CalendarImport = Omit<typeof calendarImports.$inferSelect, "payload">;
const { payload: _payload, ...importColumns } = getTableColumns(calendarImports);
/** The columns of `CalendarImport`: select these, never the payload, to show an import. */
export const calendarImportColumns = importColumns;
