import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import { type DbOrTx, people } from "../../server/plugin-api.ts";
import { type Example, latestExamples } from "./examples.ts";
import { examples, invitations, workshopExamples, workshops } from "./schema.ts";

export type Workshop = typeof workshops.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;

/**
 * Schedules the quarter's workshop with the latest consented examples on its agenda and invites
 * every active person. Returns null when the quarter already has one.
 */
export async function scheduleWorkshop(
  tx: DbOrTx,
  input: Omit<typeof workshops.$inferInsert, "id" | "createdAt"> & { at: Date },
): Promise<{ workshop: Workshop; invitees: { id: string; email: string }[] } | null> {
  const { at, ...values } = input;
  const [workshop] = await tx
    .insert(workshops)
    .values({ ...values, createdAt: at })
    .onConflictDoNothing()
    .returning();
  if (!workshop) return null;
  const picked = await latestExamples(tx, 3);
  if (picked.length)
    await tx.insert(workshopExamples).values(picked.map((e) => ({ workshopId: workshop.id, exampleId: e.id })));
  const invitees = await tx
    .select({ id: people.id, email: people.email })
    .from(people)
    .where(eq(people.status, "active"));
  if (invitees.length)
    await tx
      .insert(invitations)
      .values(invitees.map((p) => ({ workshopId: workshop.id, personId: p.id, invitedAt: at })));
  return { workshop, invitees };
}

export async function findWorkshop(db: DbOrTx, id: string): Promise<Workshop | null> {
  const [row] = await db.select().from(workshops).where(eq(workshops.id, id));
  return row ?? null;
}

export async function listWorkshops(
  db: DbOrTx,
): Promise<(Workshop & { invited: number; attended: number; pledged: number })[]> {
  const rows = await db.select().from(workshops).orderBy(desc(workshops.startsAt)).limit(20);
  if (!rows.length) return [];
  const counts = await db
    .select({ workshopId: invitations.workshopId, invited: count(), pledged: count(invitations.pledgedAt) })
    .from(invitations)
    .where(
      inArray(
        invitations.workshopId,
        rows.map((r) => r.id),
      ),
    )
    .groupBy(invitations.workshopId);
  const attendedCounts = await db
    .select({ workshopId: invitations.workshopId, n: count() })
    .from(invitations)
    .where(
      and(
        inArray(
          invitations.workshopId,
          rows.map((r) => r.id),
        ),
        eq(invitations.attended, true),
      ),
    )
    .groupBy(invitations.workshopId);
  return rows.map((w) => ({
    ...w,
    invited: counts.find((c) => c.workshopId === w.id)?.invited ?? 0,
    pledged: counts.find((c) => c.workshopId === w.id)?.pledged ?? 0,
    attended: attendedCounts.find((c) => c.workshopId === w.id)?.n ?? 0,
  }));
}

/** The next workshop starting at or after `now`. */
export async function nextWorkshop(db: DbOrTx, now: Date): Promise<Workshop | null> {
  const rows = await db.select().from(workshops).orderBy(asc(workshops.startsAt));
  return rows.find((w) => w.startsAt >= now) ?? null;
}

export async function invitationOf(db: DbOrTx, workshopId: string, personId: string): Promise<Invitation | null> {
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.workshopId, workshopId), eq(invitations.personId, personId)));
  return row ?? null;
}

export async function examplesOf(db: DbOrTx, workshopId: string): Promise<Pick<Example, "id" | "before" | "after">[]> {
  return db
    .select({ id: examples.id, before: examples.before, after: examples.after })
    .from(workshopExamples)
    .innerJoin(examples, eq(examples.id, workshopExamples.exampleId))
    .where(eq(workshopExamples.workshopId, workshopId));
}

/** Invitees with attendance and pledges, for the facilitator and admins. */
export async function attendanceOf(
  db: DbOrTx,
  workshopId: string,
): Promise<{ personId: string; name: string; attended: boolean; pledge: string | null }[]> {
  return db
    .select({
      personId: invitations.personId,
      name: people.name,
      attended: invitations.attended,
      pledge: invitations.pledge,
    })
    .from(invitations)
    .innerJoin(people, eq(people.id, invitations.personId))
    .where(eq(invitations.workshopId, workshopId))
    .orderBy(asc(people.name));
}

/** Pledges without names, for everyone invited. */
export async function pledgesOf(db: DbOrTx, workshopId: string): Promise<string[]> {
  const rows = await db
    .select({ pledge: invitations.pledge })
    .from(invitations)
    .where(eq(invitations.workshopId, workshopId))
    .orderBy(asc(invitations.pledgedAt));
  return rows.map((r) => r.pledge).filter((p): p is string => Boolean(p));
}

export async function savePledge(
  db: DbOrTx,
  workshopId: string,
  personId: string,
  pledge: string,
  at: Date,
): Promise<void> {
  await db
    .update(invitations)
    .set({ pledge, pledgedAt: at })
    .where(and(eq(invitations.workshopId, workshopId), eq(invitations.personId, personId)));
}

/** Marks exactly `attendedIds` as present (everyone else invited as absent). */
export async function saveAttendance(db: DbOrTx, workshopId: string, attendedIds: string[]): Promise<void> {
  await db.update(invitations).set({ attended: false }).where(eq(invitations.workshopId, workshopId));
  if (attendedIds.length)
    await db
      .update(invitations)
      .set({ attended: true })
      .where(and(eq(invitations.workshopId, workshopId), inArray(invitations.personId, attendedIds)));
}
