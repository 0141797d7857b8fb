import { and, asc, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { type DbOrTx, people } from "../../server/plugin-api.ts";
import { type BriefState, briefComments, briefReviewers, briefs } from "./schema.ts";

export type Brief = typeof briefs.$inferSelect;

export interface BriefComment {
  id: string;
  paragraph: number;
  paragraphHash: string;
  body: string;
  authorId: string;
  authorName: string;
  createdAt: Date;
}

export interface Reviewer {
  personId: string;
  name: string;
  answeredAt: Date | null;
}

export async function findBrief(db: DbOrTx, id: string): Promise<Brief | null> {
  const [row] = await db.select().from(briefs).where(eq(briefs.id, id));
  return row ?? null;
}

export async function createBrief(
  db: DbOrTx,
  input: { authorId: string; teamId: string; title: string; body: string; at: Date },
): Promise<Brief> {
  const [row] = await db
    .insert(briefs)
    .values({ ...input, state: "draft", createdAt: input.at, updatedAt: input.at })
    .returning();
  return row as Brief;
}

export async function saveDraft(
  db: DbOrTx,
  id: string,
  input: { title: string; body: string; teamId: string; at: Date },
): Promise<void> {
  await db
    .update(briefs)
    .set({ title: input.title, body: input.body, teamId: input.teamId, updatedAt: input.at })
    .where(and(eq(briefs.id, id), eq(briefs.state, "draft")));
}

/**
 * Moves a brief from `from` to `to` with the fields that move needs; false when someone else
 * moved it first (the state no longer is `from`).
 */
export async function moveBrief(
  db: DbOrTx,
  id: string,
  from: BriefState,
  to: BriefState,
  fields: Partial<Pick<Brief, "synthesis" | "decision" | "commentDeadline" | "sentAt" | "closedAt">> & { at: Date },
): Promise<boolean> {
  const { at, ...rest } = fields;
  const moved = await db
    .update(briefs)
    .set({ ...rest, state: to, updatedAt: at })
    .where(and(eq(briefs.id, id), eq(briefs.state, from)))
    .returning({ id: briefs.id });
  return moved.length === 1;
}

export async function addReviewers(db: DbOrTx, briefId: string, personIds: string[]): Promise<void> {
  if (!personIds.length) return;
  await db
    .insert(briefReviewers)
    .values(personIds.map((personId) => ({ briefId, personId })))
    .onConflictDoNothing();
}

export async function reviewersOf(db: DbOrTx, briefId: string): Promise<Reviewer[]> {
  return db
    .select({ personId: briefReviewers.personId, name: people.name, answeredAt: briefReviewers.answeredAt })
    .from(briefReviewers)
    .innerJoin(people, eq(people.id, briefReviewers.personId))
    .where(eq(briefReviewers.briefId, briefId))
    .orderBy(asc(people.name));
}

/**
 * Stores a comment; when its author is a reviewer who had not answered yet, marks them answered
 * and returns true (their review ask is answered).
 */
export async function addComment(
  db: DbOrTx,
  input: { briefId: string; authorId: string; paragraph: number; paragraphHash: string; body: string; at: Date },
): Promise<{ comment: { id: string }; firstAnswer: boolean }> {
  const [comment] = await db
    .insert(briefComments)
    .values({ ...input, createdAt: input.at })
    .returning({ id: briefComments.id });
  const answered = await db
    .update(briefReviewers)
    .set({ answeredAt: input.at })
    .where(
      and(
        eq(briefReviewers.briefId, input.briefId),
        eq(briefReviewers.personId, input.authorId),
        isNull(briefReviewers.answeredAt),
      ),
    )
    .returning({ personId: briefReviewers.personId });
  return { comment: comment as { id: string }, firstAnswer: answered.length > 0 };
}

export async function commentsOf(db: DbOrTx, briefId: string): Promise<BriefComment[]> {
  return db
    .select({
      id: briefComments.id,
      paragraph: briefComments.paragraph,
      paragraphHash: briefComments.paragraphHash,
      body: briefComments.body,
      authorId: briefComments.authorId,
      authorName: people.name,
      createdAt: briefComments.createdAt,
    })
    .from(briefComments)
    .innerJoin(people, eq(people.id, briefComments.authorId))
    .where(eq(briefComments.briefId, briefId))
    .orderBy(asc(briefComments.paragraph), asc(briefComments.createdAt));
}

export interface BriefListItem {
  id: string;
  title: string;
  state: BriefState;
  authorName: string;
  commentDeadline: Date | null;
  updatedAt: Date;
  comments: number;
}

/**
 * Briefs `viewerId` may list: their own in any state, everyone's once circulated (drafts stay
 * private to their author).
 */
export async function listBriefs(db: DbOrTx, viewerId: string, limit = 50): Promise<BriefListItem[]> {
  return db
    .select({
      id: briefs.id,
      title: briefs.title,
      state: briefs.state,
      authorName: people.name,
      commentDeadline: briefs.commentDeadline,
      updatedAt: briefs.updatedAt,
      comments: sql<number>`(select count(*)::int from ${briefComments} where ${briefComments.briefId} = ${briefs.id})`,
    })
    .from(briefs)
    .innerJoin(people, eq(people.id, briefs.authorId))
    .where(or(eq(briefs.authorId, viewerId), sql`${briefs.state} <> 'draft'`))
    .orderBy(desc(briefs.updatedAt))
    .limit(limit);
}

export interface AwaitingReview {
  id: string;
  title: string;
  authorName: string;
  commentDeadline: Date | null;
}

/** Briefs in review where `personId` is a reviewer who has not commented yet, soonest deadline first. */
export async function awaitingReviewBy(db: DbOrTx, personId: string): Promise<AwaitingReview[]> {
  return db
    .select({ id: briefs.id, title: briefs.title, authorName: people.name, commentDeadline: briefs.commentDeadline })
    .from(briefReviewers)
    .innerJoin(briefs, eq(briefs.id, briefReviewers.briefId))
    .innerJoin(people, eq(people.id, briefs.authorId))
    .where(and(eq(briefReviewers.personId, personId), isNull(briefReviewers.answeredAt), eq(briefs.state, "review")))
    .orderBy(asc(briefs.commentDeadline))
    .limit(50);
}

/** Active people by id, to check reviewers and panels exist. */
export async function activePeople(
  db: DbOrTx,
  ids: string[],
): Promise<{ id: string; name: string; timeZone: string }[]> {
  if (!ids.length) return [];
  return db
    .select({ id: people.id, name: people.name, timeZone: people.timeZone })
    .from(people)
    .where(and(inArray(people.id, ids), eq(people.status, "active")));
}
