import { and, asc, desc, eq, gte, isNull, lte, notExists, sql } from "drizzle-orm";
import { type DbOrTx, people } from "../../server/plugin-api.ts";
import { conclusionVisibleTo, onPanel, readableNotes } from "./access.ts";
import { interviews, notes, panelists } from "./schema.ts";

export type Interview = typeof interviews.$inferSelect;

export interface Panelist {
  personId: string;
  name: string;
  part: "interviewer" | "hiring_manager";
}

export async function findInterview(db: DbOrTx, id: string): Promise<Interview | null> {
  const [row] = await db.select().from(interviews).where(eq(interviews.id, id));
  return row ?? null;
}

export async function createInterview(
  db: DbOrTx,
  input: {
    teamId: string;
    candidateName: string;
    candidateContact: string;
    role: string;
    startsAt: Date;
    endsAt: Date;
    createdById: string;
    interviewerIds: string[];
    hiringManagerIds: string[];
    at: Date;
  },
): Promise<Interview> {
  const { interviewerIds, hiringManagerIds, at, ...values } = input;
  const [row] = await db
    .insert(interviews)
    .values({ ...values, createdAt: at })
    .returning();
  const interview = row as Interview;
  await db
    .insert(panelists)
    .values([
      ...interviewerIds.map((personId) => ({ interviewId: interview.id, personId, part: "interviewer" as const })),
      ...hiringManagerIds.map((personId) => ({ interviewId: interview.id, personId, part: "hiring_manager" as const })),
    ]);
  return interview;
}

export async function panelOf(db: DbOrTx, interviewId: string): Promise<Panelist[]> {
  return db
    .select({ personId: panelists.personId, name: people.name, part: panelists.part })
    .from(panelists)
    .innerJoin(people, eq(people.id, panelists.personId))
    .where(eq(panelists.interviewId, interviewId))
    .orderBy(asc(panelists.part), asc(people.name));
}

export interface InterviewListItem {
  id: string;
  candidateName: string;
  role: string;
  startsAt: Date;
  endsAt: Date;
  state: Interview["state"];
  outcome: Interview["outcome"];
}

/**
 * The interviews `personId` sits on (as interviewer or hiring manager), newest first. The
 * outcome is null for an interviewer who has not submitted their note yet.
 */
export async function interviewsFor(db: DbOrTx, personId: string, limit = 50): Promise<InterviewListItem[]> {
  return db
    .select({
      id: interviews.id,
      candidateName: interviews.candidateName,
      role: interviews.role,
      startsAt: interviews.startsAt,
      endsAt: interviews.endsAt,
      state: interviews.state,
      outcome: sql<Interview["outcome"]>`case when ${conclusionVisibleTo(personId)} then ${interviews.outcome} end`,
    })
    .from(interviews)
    .where(onPanel(personId))
    .orderBy(desc(interviews.startsAt))
    .limit(limit);
}

/** Notes on one interview that `personId` may read (the blind rule applies). */
export function notesOnInterview(db: DbOrTx, personId: string, interviewId: string) {
  return readableNotes(db, personId, eq(notes.interviewId, interviewId));
}

/**
 * Stores the interviewer's note, once: a submitted note is final, so nobody can submit a
 * placeholder, read the others and rewrite theirs. False when a note was already there.
 */
export async function submitNote(
  db: DbOrTx,
  input: {
    interviewId: string;
    interviewerId: string;
    ratings: Record<string, number>;
    evidence: string;
    recommendation: "hire" | "no_hire";
    at: Date;
  },
): Promise<{ first: boolean }> {
  const { at, ...values } = input;
  const rows = await db
    .insert(notes)
    .values({ ...values, submittedAt: at, updatedAt: at })
    .onConflictDoNothing({ target: [notes.interviewId, notes.interviewerId] })
    .returning({ id: notes.id });
  return { first: rows.length === 1 };
}

/** Writes the synthesis and locks the notes; false when the interview was not open. */
export async function synthesize(db: DbOrTx, interviewId: string, synthesis: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(interviews)
    .set({ synthesis, state: "synthesized", synthesizedAt: at })
    .where(and(eq(interviews.id, interviewId), eq(interviews.state, "open")))
    .returning({ id: interviews.id });
  return rows.length === 1;
}

export async function recordOutcome(
  db: DbOrTx,
  interviewId: string,
  outcome: "hire" | "no_hire",
  at: Date,
): Promise<boolean> {
  const rows = await db
    .update(interviews)
    .set({ outcome, state: "decided", decidedAt: at })
    .where(and(eq(interviews.id, interviewId), eq(interviews.state, "synthesized")))
    .returning({ id: interviews.id });
  return rows.length === 1;
}

export interface OwedNote {
  interviewId: string;
  personId: string;
  role: string;
  candidateName: string;
  teamId: string;
  endsAt: Date;
}

/**
 * When an interviewer's note is due: `noteDueHours` after the interview ends. The interview page,
 * the reminders and the debrief ask's clock all read this one deadline.
 */
export function noteDueAt(interview: { endsAt: Date }, settings: { noteDueHours: number }): Date {
  return new Date(interview.endsAt.getTime() + settings.noteDueHours * 3_600_000);
}

/**
 * Notes still owed: interviewers of open interviews that ended after `since` and before `until`
 * who have not submitted. One query, for the reminders job, the digest and the dashboard.
 */
export async function owedNotes(
  db: DbOrTx,
  options: { since: Date; until: Date; personId?: string },
): Promise<OwedNote[]> {
  return db
    .select({
      interviewId: interviews.id,
      personId: panelists.personId,
      role: interviews.role,
      candidateName: interviews.candidateName,
      teamId: interviews.teamId,
      endsAt: interviews.endsAt,
    })
    .from(panelists)
    .innerJoin(interviews, eq(interviews.id, panelists.interviewId))
    .where(
      and(
        eq(panelists.part, "interviewer"),
        eq(interviews.state, "open"),
        gte(interviews.endsAt, options.since),
        lte(interviews.endsAt, options.until),
        options.personId ? eq(panelists.personId, options.personId) : undefined,
        notExists(
          db
            .select({ one: sql`1` })
            .from(notes)
            .where(and(eq(notes.interviewId, interviews.id), eq(notes.interviewerId, panelists.personId))),
        ),
      ),
    )
    .orderBy(asc(interviews.endsAt))
    .limit(500);
}

/** Interviews that have ended but whose debrief asks were not opened yet; marks them opened. */
export async function claimEndedInterviews(db: DbOrTx, now: Date): Promise<Interview[]> {
  return db
    .update(interviews)
    .set({ asksOpenedAt: now })
    .where(and(isNull(interviews.asksOpenedAt), lte(interviews.endsAt, now)))
    .returning();
}
