import {
  boolean,
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

/** Every writing table lives in the plugin's own Postgres schema, `writing`. */
export const writingSchema = pluginSchema("writing");

/** A person's opt-ins: whether they want feedback on their writing, and whether they offer reviews. */
export const writers = writingSchema.table("writers", {
  personId: uuid("person_id").primaryKey(),
  wantsFeedback: boolean("wants_feedback").notNull().default(false),
  offersReviews: boolean("offers_reviews").notNull().default(false),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});

/**
 * A writing pair for one quarter: a writer who wants feedback and a partner who reviews. It is
 * active once both have accepted; either may decline while it is proposed.
 */
export const pairs = writingSchema.table(
  "pairs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** "2026-Q1". */
    quarter: text("quarter").notNull(),
    writerId: uuid("writer_id").notNull(),
    partnerId: uuid("partner_id").notNull(),
    proposedBy: uuid("proposed_by").notNull(),
    status: text("status", { enum: ["proposed", "active", "declined"] })
      .notNull()
      .default("proposed"),
    writerAccepted: boolean("writer_accepted").notNull().default(false),
    partnerAccepted: boolean("partner_accepted").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [index("pairs_writer_idx").on(t.writerId, t.quarter), index("pairs_partner_idx").on(t.partnerId, t.quarter)],
);

/** A draft sent to the writing partner before posting: a snapshot only the two of them see. */
export const reviews = writingSchema.table(
  "reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    pairId: uuid("pair_id")
      .notNull()
      .references(() => pairs.id),
    authorId: uuid("author_id").notNull(),
    partnerId: uuid("partner_id").notNull(),
    teamId: uuid("team_id").notNull(),
    /** The editor the draft came from ("status-update", "brief") and its reference there. */
    editor: text("editor").notNull(),
    ref: text("ref").notNull(),
    /** Where the author continues editing. */
    link: text("link").notNull(),
    text: text("text").notNull(),
    bottomLine: text("bottom_line").notNull().default(""),
    status: text("status", { enum: ["requested", "reviewed", "withdrawn"] })
      .notNull()
      .default("requested"),
    suggestedBottomLine: text("suggested_bottom_line"),
    note: text("note"),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull(),
    /** The response target: from the team charter through the SLA clock, and stored here as a fallback. */
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
  },
  (t) => [
    index("reviews_author_idx").on(t.authorId, t.requestedAt),
    index("reviews_partner_idx").on(t.partnerId, t.status),
    index("reviews_ref_idx").on(t.editor, t.ref, t.authorId),
  ],
);

/** The partner's comment on one sentence of the draft. */
export const reviewComments = writingSchema.table(
  "review_comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reviewId: uuid("review_id")
      .notNull()
      .references(() => reviews.id, { onDelete: "cascade" }),
    sentence: integer("sentence").notNull(),
    quote: text("quote").notNull(),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("review_comments_review_idx").on(t.reviewId, t.sentence)],
);

/** Writing measures of one posted update, computed once when it is posted. */
export const updateMeasures = writingSchema.table(
  "update_measures",
  {
    updateId: uuid("update_id").primaryKey(),
    authorId: uuid("author_id").notNull(),
    teamId: uuid("team_id").notNull(),
    postedAt: timestamp("posted_at", { withTimezone: true }).notNull(),
    blufFirst: boolean("bluf_first").notNull(),
    hasAsk: boolean("has_ask").notNull(),
    askAddressedDated: boolean("ask_addressed_dated").notNull(),
    sentences: integer("sentences").notNull(),
    words: integer("words").notNull(),
    /** Flesch–Kincaid grade of the whole update. */
    grade: real("grade").notNull(),
    /** Someone other than the author asked a question about it in a comment. */
    clarified: boolean("clarified").notNull().default(false),
  },
  (t) => [
    index("update_measures_author_idx").on(t.authorId, t.postedAt),
    index("update_measures_team_idx").on(t.teamId, t.postedAt),
  ],
);

/** A comment from someone else that asked a question about an update (a clarification request). */
export const clarifications = writingSchema.table(
  "clarifications",
  {
    commentId: uuid("comment_id").primaryKey(),
    updateId: uuid("update_id").notNull(),
    commenterId: uuid("commenter_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("clarifications_update_idx").on(t.updateId)],
);

/**
 * A team's figures for one closed month, computed once and then frozen: reading the trend at two
 * moments never reveals a late change by one person. Months with fewer writers than the threshold
 * are stored too, and never shown.
 */
export const teamMonths = writingSchema.table(
  "team_months",
  {
    teamId: uuid("team_id").notNull(),
    /** "2026-03", in the team's time zone. */
    month: text("month").notNull(),
    writers: integer("writers").notNull(),
    figures: jsonb("figures").$type<Record<string, number | null>>().notNull(),
    frozenAt: timestamp("frozen_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.month] })],
);

/** A before/after example an author consented to show, anonymized, in workshops. */
export const examples = writingSchema.table("examples", {
  id: uuid("id").primaryKey().defaultRandom(),
  reviewId: uuid("review_id").references(() => reviews.id, { onDelete: "set null" }),
  consentedBy: uuid("consented_by").notNull(),
  before: text("before").notNull(),
  after: text("after").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});

/** The quarterly writing workshop: synchronous by design. */
export const workshops = writingSchema.table(
  "workshops",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    quarter: text("quarter").notNull(),
    title: text("title").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    minutes: integer("minutes").notNull(),
    location: text("location").notNull(),
    facilitatorId: uuid("facilitator_id").notNull(),
    agenda: text("agenda").notNull(),
    createdBy: uuid("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("workshops_quarter_unique").on(t.quarter)],
);

/** The examples on a workshop's agenda. */
export const workshopExamples = writingSchema.table(
  "workshop_examples",
  {
    workshopId: uuid("workshop_id")
      .notNull()
      .references(() => workshops.id, { onDelete: "cascade" }),
    exampleId: uuid("example_id")
      .notNull()
      .references(() => examples.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.workshopId, t.exampleId] })],
);

/** Who is invited, whether they came, and their "one thing I'll change" pledge. */
export const invitations = writingSchema.table(
  "invitations",
  {
    workshopId: uuid("workshop_id")
      .notNull()
      .references(() => workshops.id, { onDelete: "cascade" }),
    personId: uuid("person_id").notNull(),
    invitedAt: timestamp("invited_at", { withTimezone: true }).notNull(),
    attended: boolean("attended").notNull().default(false),
    pledge: text("pledge"),
    pledgedAt: timestamp("pledged_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.workshopId, t.personId] }), index("invitations_person_idx").on(t.personId)],
);
