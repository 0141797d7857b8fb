import { sql } from "drizzle-orm";
import {
  boolean,
  customType,
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

/** Every status-updates table lives in the plugin's own Postgres schema, `status_updates`. */
export const statusSchema = pluginSchema("status-updates");

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/** What a template question is for: the bottom line, the ask and the blockers drive features. */
export type QuestionKind = "bottom-line" | "ask" | "risks" | "text";
export interface Question {
  key: string;
  label: string;
  kind: QuestionKind;
}

/** A team's check-in: when updates are due and what they ask. One row per team (defaults apply without one). */
export const checkins = statusSchema.table("checkins", {
  teamId: uuid("team_id").primaryKey(),
  cadence: text("cadence", { enum: ["weekly", "biweekly"] })
    .notNull()
    .default("weekly"),
  /** ISO weekday 1 (Monday) … 7 (Sunday) the update is due, in the team's time zone. */
  weekday: integer("weekday").notNull().default(5),
  /** Local "HH:MM" the update is due. */
  time: text("time").notNull().default("15:00"),
  questions: jsonb("questions").$type<Question[]>().notNull(),
  /** People of the team who are not asked for an update. */
  excludedIds: jsonb("excluded_ids").$type<string[]>().notNull().default([]),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by"),
});

/** One person's update for one team and period; a draft until posted. */
export const updates = statusSchema.table(
  "updates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    teamId: uuid("team_id").notNull(),
    authorId: uuid("author_id").notNull(),
    /** The check-in period, named by the ISO week it starts in: `2026-W10`. */
    period: text("period").notNull(),
    status: text("status", { enum: ["draft", "posted"] })
      .notNull()
      .default("draft"),
    /** Question key → Markdown answer. */
    answers: jsonb("answers").$type<Record<string, string>>().notNull(),
    /** The answers as one Markdown document ("## Question" + answer), for search and the page. */
    body: text("body").notNull().default(""),
    /** `body` rendered and sanitized when written, so the feed never renders Markdown per request. */
    bodyHtml: text("body_html").notNull().default(""),
    bottomLine: text("bottom_line").notNull().default(""),
    blockers: text("blockers").notNull().default(""),
    hasBlockers: boolean("has_blockers").notNull().default(false),
    /** When the update was due for its period (for the on-time rate). */
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    postedAt: timestamp("posted_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('english', "body")`),
  },
  (t) => [
    uniqueIndex("updates_author_period_unique").on(t.teamId, t.authorId, t.period),
    index("updates_team_period_idx").on(t.teamId, t.period),
    index("updates_search_idx").using("gin", t.search),
  ],
);

/** The previous versions of a posted update, one row per edit. */
export const updateEdits = statusSchema.table(
  "update_edits",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    updateId: uuid("update_id")
      .notNull()
      .references(() => updates.id, { onDelete: "cascade" }),
    editorId: uuid("editor_id").notNull(),
    /** The answers as they were before this edit. */
    previous: jsonb("previous").$type<Record<string, string>>().notNull(),
    editedAt: timestamp("edited_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("update_edits_update_idx").on(t.updateId, t.editedAt)],
);

export const comments = statusSchema.table(
  "comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    updateId: uuid("update_id")
      .notNull()
      .references(() => updates.id, { onDelete: "cascade" }),
    authorId: uuid("author_id").notNull(),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('english', "body")`),
  },
  (t) => [
    index("comments_update_idx").on(t.updateId, t.createdAt),
    index("comments_search_idx").using("gin", t.search),
  ],
);

/** "Mark as read": who has read an update. */
export const acknowledgements = statusSchema.table(
  "acknowledgements",
  {
    updateId: uuid("update_id")
      .notNull()
      .references(() => updates.id, { onDelete: "cascade" }),
    personId: uuid("person_id").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.updateId, t.personId] })],
);

/** An ask in a posted update, addressed to people with @name. */
export const asks = statusSchema.table(
  "asks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    updateId: uuid("update_id")
      .notNull()
      .references(() => updates.id, { onDelete: "cascade" }),
    teamId: uuid("team_id").notNull(),
    askerId: uuid("asker_id").notNull(),
    text: text("text").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("asks_update_unique").on(t.updateId)],
);

export const askAddressees = statusSchema.table(
  "ask_addressees",
  {
    askId: uuid("ask_id")
      .notNull()
      .references(() => asks.id, { onDelete: "cascade" }),
    personId: uuid("person_id").notNull(),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    answerCommentId: uuid("answer_comment_id"),
  },
  (t) => [primaryKey({ columns: [t.askId, t.personId] }), index("ask_addressees_person_idx").on(t.personId)],
);
