import { and, asc, count, desc, eq, gte, lt, ne } from "drizzle-orm";
import { type DbOrTx, type PluginServices, people, type Tx } from "../../server/plugin-api.ts";
import type { Pair } from "./pairs.ts";
import { reviewComments, reviews } from "./schema.ts";
import type { WritingSettings } from "./settings.ts";

export type Review = typeof reviews.$inferSelect;
export type ReviewComment = typeof reviewComments.$inferSelect;

export interface DraftSnapshot {
  editor: string;
  ref: string;
  teamId: string;
  link: string;
  text: string;
  bottomLine: string;
}

function summaryOf(draft: DraftSnapshot): string {
  const line = (draft.bottomLine || draft.text).replace(/\s+/g, " ").trim();
  return `Review a draft: ${line.length > 120 ? `${line.slice(0, 119)}…` : line}`;
}

/**
 * Sends a draft to the author's writing partner, or refreshes the snapshot of a request still
 * waiting (the clock keeps running). A new request emits `ask.created` with work type "review
 * request", so the SLA plugin — when enabled — starts a clock from the team charter; `dueAt` is the
 * documented fallback target (settings) shown either way. Returns the review.
 */
export async function requestReview(
  tx: Tx,
  s: PluginServices<WritingSettings>,
  input: { pair: Pair; draft: DraftSnapshot; at: Date; targetHours: number },
): Promise<{ review: Review; created: boolean }> {
  const { pair, draft, at } = input;
  const [open] = await tx
    .update(reviews)
    .set({ text: draft.text, bottomLine: draft.bottomLine, link: draft.link })
    .where(
      and(
        eq(reviews.editor, draft.editor),
        eq(reviews.ref, draft.ref),
        eq(reviews.authorId, pair.writerId),
        eq(reviews.status, "requested"),
      ),
    )
    .returning();
  if (open) return { review: open, created: false };
  const [review] = await tx
    .insert(reviews)
    .values({
      pairId: pair.id,
      authorId: pair.writerId,
      partnerId: pair.partnerId,
      ...draft,
      requestedAt: at,
      dueAt: new Date(at.getTime() + input.targetHours * 3_600_000),
    })
    .returning();
  const row = review as Review;
  await s.emit(tx, "ask.created", {
    askId: row.id,
    teamId: draft.teamId,
    askerId: pair.writerId,
    addresseeIds: [pair.partnerId],
    workType: "review request",
    medium: "portal",
    summary: summaryOf(draft),
    link: `/writing/reviews/${row.id}`,
    source: "writing",
  });
  await s.notify(tx, {
    personId: pair.partnerId,
    title: "Your writing partner asked you to review a draft",
    body: summaryOf(draft),
    link: `/writing/reviews/${row.id}`,
    dedupeKey: `writing:review-requested:${row.id}`,
    kind: "review-request",
  });
  return { review: row, created: true };
}

export async function findReview(db: DbOrTx, id: string): Promise<Review | null> {
  const [row] = await db.select().from(reviews).where(eq(reviews.id, id));
  return row ?? null;
}

/** The latest request (not withdrawn) for a draft in an editor. */
export async function reviewOfDraft(db: DbOrTx, editor: string, ref: string, authorId: string): Promise<Review | null> {
  const [row] = await db
    .select()
    .from(reviews)
    .where(
      and(
        eq(reviews.editor, editor),
        eq(reviews.ref, ref),
        eq(reviews.authorId, authorId),
        ne(reviews.status, "withdrawn"),
      ),
    )
    .orderBy(desc(reviews.requestedAt))
    .limit(1);
  return row ?? null;
}

export async function commentsOf(db: DbOrTx, reviewId: string): Promise<ReviewComment[]> {
  return db
    .select()
    .from(reviewComments)
    .where(eq(reviewComments.reviewId, reviewId))
    .orderBy(asc(reviewComments.sentence), asc(reviewComments.createdAt));
}

/** The partner's first response stops the review's clock (`ask.answered`; the SLA plugin ignores repeats). */
async function answered(tx: Tx, s: PluginServices<WritingSettings>, review: Review, at: Date): Promise<void> {
  await s.emit(tx, "ask.answered", { askId: review.id, responderId: review.partnerId, answeredAt: at.toISOString() });
}

export async function addReviewComment(
  tx: Tx,
  s: PluginServices<WritingSettings>,
  review: Review,
  input: { sentence: number; quote: string; body: string; at: Date },
): Promise<void> {
  const [before] = await tx.select({ n: count() }).from(reviewComments).where(eq(reviewComments.reviewId, review.id));
  await tx.insert(reviewComments).values({ reviewId: review.id, ...input, createdAt: input.at });
  if (!before?.n) await answered(tx, s, review, input.at);
}

/** The partner finishes the review, optionally suggesting a bottom line; the author is notified. */
export async function completeReview(
  tx: Tx,
  s: PluginServices<WritingSettings>,
  review: Review,
  input: { suggestedBottomLine: string; note: string; at: Date },
): Promise<void> {
  await tx
    .update(reviews)
    .set({
      status: "reviewed",
      suggestedBottomLine: input.suggestedBottomLine || null,
      note: input.note || null,
      reviewedAt: input.at,
    })
    .where(eq(reviews.id, review.id));
  await answered(tx, s, review, input.at);
  await s.notify(tx, {
    personId: review.authorId,
    title: "Your writing partner reviewed your draft",
    body: input.suggestedBottomLine
      ? `Suggested bottom line: ${input.suggestedBottomLine}`
      : "See the comments beside your draft.",
    link: review.link,
    dedupeKey: `writing:reviewed:${review.id}`,
    kind: "answer",
  });
}

export interface ReviewListItem {
  id: string;
  authorName: string;
  partnerName: string;
  bottomLine: string;
  status: Review["status"];
  requestedAt: Date;
  dueAt: Date;
}

// One list row for both sides; the joined person is the other side (author or partner), so the
// name the reader needs is always the joined one.
const reviewListColumns = {
  id: reviews.id,
  authorName: people.name,
  partnerName: people.name,
  bottomLine: reviews.bottomLine,
  status: reviews.status,
  requestedAt: reviews.requestedAt,
  dueAt: reviews.dueAt,
};

/** Reviews waiting on the partner, oldest first. */
export async function reviewsWaitingOn(db: DbOrTx, partnerId: string, limit = 20): Promise<ReviewListItem[]> {
  return db
    .select(reviewListColumns)
    .from(reviews)
    .innerJoin(people, eq(people.id, reviews.authorId))
    .where(and(eq(reviews.partnerId, partnerId), eq(reviews.status, "requested")))
    .orderBy(asc(reviews.requestedAt))
    .limit(limit);
}

/** The author's own recent requests, newest first. */
export async function myReviewRequests(db: DbOrTx, authorId: string, limit = 10): Promise<ReviewListItem[]> {
  return db
    .select(reviewListColumns)
    .from(reviews)
    .innerJoin(people, eq(people.id, reviews.partnerId))
    .where(and(eq(reviews.authorId, authorId), ne(reviews.status, "withdrawn")))
    .orderBy(desc(reviews.requestedAt))
    .limit(limit);
}

/** The author's drafts reviewed in [start, end). */
export async function reviewedFor(db: DbOrTx, authorId: string, start: Date, end: Date): Promise<ReviewListItem[]> {
  return db
    .select(reviewListColumns)
    .from(reviews)
    .innerJoin(people, eq(people.id, reviews.partnerId))
    .where(and(eq(reviews.authorId, authorId), gte(reviews.reviewedAt, start), lt(reviews.reviewedAt, end)))
    .orderBy(asc(reviews.reviewedAt));
}
