import { and, eq, type SQL, sql } from "drizzle-orm";
import { type DbOrTx, HttpError } from "../../server/plugin-api.ts";
import { decisions, interviews, notes, panelists } from "./schema.ts";

// The blind rule lives here and only here: an interviewer sees another interviewer's note
// only once they have submitted their own; hiring managers see every note. Every query that
// reads notes — pages, fragments, JSON, search, digests, notifications — goes through
// `readableNotes`, and every hiring entry of the decisions log through `decisionVisibleTo`;
// the synthesis and the decision of an interview through `mayReadConclusion` /
// `conclusionVisibleTo`. A submitted note is final, so nobody rewrites theirs after reading
// the others.

// Subqueries are written out: they correlate with the outer row by its qualified column.
const isHiringManager = (interviewColumn: SQL, personId: string): SQL =>
  sql`exists (select 1 from "briefs"."panelists" hm where hm.interview_id = ${interviewColumn} and hm.person_id = ${personId} and hm.part = 'hiring_manager')`;
const hasSubmitted = (interviewColumn: SQL, personId: string): SQL =>
  sql`exists (select 1 from "briefs"."notes" own where own.interview_id = ${interviewColumn} and own.interviewer_id = ${personId})`;

/** The SQL condition "`personId` may read this note row" (the blind rule). */
function noteReadableBy(personId: string): SQL {
  const interview = sql`"briefs"."notes"."interview_id"`;
  return sql`(${notes.interviewerId} = ${personId} or ${isHiringManager(interview, personId)} or ${hasSubmitted(interview, personId)})`;
}

export type Note = typeof notes.$inferSelect;

/** The notes `personId` may read, optionally narrowed (e.g. to one interview). */
export async function readableNotes(db: DbOrTx, personId: string, where?: SQL): Promise<Note[]> {
  return db
    .select()
    .from(notes)
    .where(where ? and(noteReadableBy(personId), where) : noteReadableBy(personId))
    .orderBy(notes.submittedAt);
}

export interface PanelSeat {
  interviewer: boolean;
  hiringManager: boolean;
  /** Whether this person has submitted their own note (interviewers only). */
  submitted: boolean;
}

/** Where `personId` sits on an interview's panel; null when they are not on it. */
export async function panelSeat(db: DbOrTx, interviewId: string, personId: string): Promise<PanelSeat | null> {
  const seats = await db
    .select({
      part: panelists.part,
      submitted: sql<boolean>`${hasSubmitted(sql`"briefs"."panelists"."interview_id"`, personId)}`,
    })
    .from(panelists)
    .where(and(eq(panelists.interviewId, interviewId), eq(panelists.personId, personId)));
  if (!seats.length) return null;
  return {
    interviewer: seats.some((s) => s.part === "interviewer"),
    hiringManager: seats.some((s) => s.part === "hiring_manager"),
    submitted: seats.some((s) => s.submitted),
  };
}

/**
 * The panel seat of `personId`, or a 403: candidate data is only for the panel and the hiring
 * managers. An interview that does not exist is a 404.
 */
export async function requirePanelSeat(db: DbOrTx, interviewId: string, personId: string): Promise<PanelSeat> {
  const seat = await panelSeat(db, interviewId, personId);
  if (seat) return seat;
  const [found] = await db.select({ id: interviews.id }).from(interviews).where(eq(interviews.id, interviewId));
  if (!found) throw new HttpError(404, "There is no such interview.");
  throw new HttpError(403, "Only the interview panel and the hiring managers can see this interview.");
}

/** The SQL condition "`personId` is on this interview's panel" (interviewer or hiring manager). */
export function onPanel(personId: string): SQL {
  return sql`exists (select 1 from "briefs"."panelists" seat where seat.interview_id = "briefs"."interviews"."id" and seat.person_id = ${personId})`;
}

/**
 * The SQL condition "`personId` may see this decisions-log entry". Hiring decisions name a
 * candidate and summarize the notes, so they are shown to the hiring managers and to the
 * interviewers who submitted their note — never to anyone else, and never to an interviewer
 * who is still blind.
 */
export function decisionVisibleTo(personId: string): SQL {
  const interview = sql`"briefs"."decisions"."interview_id"`;
  return sql`(${decisions.kind} <> 'hiring' or ${isHiringManager(interview, personId)} or ${hasSubmitted(interview, personId)})`;
}

/**
 * Whether a panel seat may read the synthesis and the decision: hiring managers always, an
 * interviewer only after submitting their own note (the same blind rule as for notes).
 */
export function mayReadConclusion(seat: PanelSeat): boolean {
  return seat.hiringManager || seat.submitted;
}

/** The SQL condition "`personId` may read this interview's synthesis and decision". */
export function conclusionVisibleTo(personId: string): SQL {
  const interview = sql`"briefs"."interviews"."id"`;
  return sql`(${isHiringManager(interview, personId)} or ${hasSubmitted(interview, personId)})`;
}
