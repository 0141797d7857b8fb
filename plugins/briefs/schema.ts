import { sql } from "drizzle-orm";
import { customType, index, integer, jsonb, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { pluginSchema } from "../../server/plugin-api.ts";

/** Every briefs table lives in the plugin's own Postgres schema, `briefs`. */
export const briefsSchema = pluginSchema("briefs");

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const briefStates = ["draft", "review", "synthesis", "decided", "abandoned"] as const;
export type BriefState = (typeof briefStates)[number];

/** A one-page kickoff brief, circulated to reviewers and synthesized by its author. */
export const briefs = briefsSchema.table(
  "briefs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    authorId: uuid("author_id").notNull(),
    teamId: uuid("team_id").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    state: text("state", { enum: briefStates }).notNull().default("draft"),
    commentDeadline: timestamp("comment_deadline", { withTimezone: true }),
    synthesis: text("synthesis").notNull().default(""),
    decision: text("decision").notNull().default(""),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("briefs_author_idx").on(t.authorId, t.updatedAt), index("briefs_state_idx").on(t.state, t.updatedAt)],
);

/** Who was asked to review a brief; `answeredAt` is their first comment (stops their clock). */
export const briefReviewers = briefsSchema.table(
  "brief_reviewers",
  {
    briefId: uuid("brief_id")
      .notNull()
      .references(() => briefs.id, { onDelete: "cascade" }),
    personId: uuid("person_id").notNull(),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.briefId, t.personId] }), index("brief_reviewers_person_idx").on(t.personId)],
);

/** A comment anchored to one paragraph of a brief (its index, and a hash of its text then). */
export const briefComments = briefsSchema.table(
  "brief_comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    briefId: uuid("brief_id")
      .notNull()
      .references(() => briefs.id, { onDelete: "cascade" }),
    authorId: uuid("author_id").notNull(),
    paragraph: integer("paragraph").notNull(),
    paragraphHash: text("paragraph_hash").notNull(),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("brief_comments_brief_idx").on(t.briefId, t.paragraph, t.createdAt)],
);

export const interviewStates = ["open", "synthesized", "decided"] as const;
export type InterviewState = (typeof interviewStates)[number];

/** An interview whose panel writes blind, structured notes; the hiring managers decide. */
export const interviews = briefsSchema.table(
  "interviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    teamId: uuid("team_id").notNull(),
    candidateName: text("candidate_name").notNull(),
    candidateContact: text("candidate_contact").notNull().default(""),
    role: text("role").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    createdById: uuid("created_by_id").notNull(),
    state: text("state", { enum: interviewStates }).notNull().default("open"),
    synthesis: text("synthesis").notNull().default(""),
    outcome: text("outcome", { enum: ["hire", "no_hire"] }),
    asksOpenedAt: timestamp("asks_opened_at", { withTimezone: true }),
    synthesizedAt: timestamp("synthesized_at", { withTimezone: true }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("interviews_ends_idx").on(t.endsAt)],
);

/** The panel: interviewers write notes; hiring managers read them all and decide. */
export const panelists = briefsSchema.table(
  "panelists",
  {
    interviewId: uuid("interview_id")
      .notNull()
      .references(() => interviews.id, { onDelete: "cascade" }),
    personId: uuid("person_id").notNull(),
    part: text("part", { enum: ["interviewer", "hiring_manager"] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.interviewId, t.personId, t.part] }), index("panelists_person_idx").on(t.personId)],
);

/** One interviewer's submitted note: ratings per competency, evidence, a recommendation. */
export const notes = briefsSchema.table(
  "notes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    interviewId: uuid("interview_id")
      .notNull()
      .references(() => interviews.id, { onDelete: "cascade" }),
    interviewerId: uuid("interviewer_id").notNull(),
    ratings: jsonb("ratings").$type<Record<string, number>>().notNull(),
    evidence: text("evidence").notNull(),
    recommendation: text("recommendation", { enum: ["hire", "no_hire"] }).notNull(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("notes_interviewer_uq").on(t.interviewId, t.interviewerId)],
);

export const decisionKinds = ["brief", "hiring", "manual"] as const;
export type DecisionKind = (typeof decisionKinds)[number];

/** The decisions log: decided briefs, hiring decisions and decisions recorded by hand. */
export const decisions = briefsSchema.table(
  "decisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind", { enum: decisionKinds }).notNull(),
    briefId: uuid("brief_id").references(() => briefs.id, { onDelete: "set null" }),
    interviewId: uuid("interview_id").references(() => interviews.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    decidedBy: text("decided_by").notNull(),
    decidedOn: text("decided_on").notNull(),
    rationale: text("rationale").notNull(),
    links: text("links").notNull().default(""),
    recordedById: uuid("recorded_by_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce("decided_by", '') || ' ' || coalesce("rationale", '') || ' ' || coalesce("links", '')), 'B')`,
      ),
  },
  (t) => [
    index("decisions_search_idx").using("gin", t.search),
    index("decisions_decided_idx").on(t.decidedOn, t.createdAt),
    uniqueIndex("decisions_brief_uq").on(t.briefId),
    uniqueIndex("decisions_interview_uq").on(t.interviewId),
  ],
);
