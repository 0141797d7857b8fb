import { and, asc, eq, inArray, isNotNull, ne, type SQL, sql } from "drizzle-orm";
import { type DbOrTx, people, teamMembers } from "../../server/plugin-api.ts";
import { managedBy } from "./people-access.ts";

/**
 * A new hire's first two weeks belong to synchronous onboarding (the playbook): the window runs
 * from the start date for exactly 14 local days — a person who started on the 1st is in it on
 * the 14th and out of it on the 15th — and covers any day before a future start date.
 */
export const ONBOARDING_DAYS = 14;

/** `people` rows still in their onboarding window at `at`, judged on the person's local date. */
function inWindow(at: Date): SQL {
  return sql`${people.startDate} is not null and (${at.toISOString()}::timestamptz at time zone ${people.timeZone})::date < ${people.startDate} + ${ONBOARDING_DAYS}::int`;
}

/** The subset of `personIds` in onboarding at `at` (one query). */
export async function newHiresAmong(db: DbOrTx, personIds: string[], at: Date): Promise<string[]> {
  if (!personIds.length) return [];
  const rows = await db
    .select({ id: people.id })
    .from(people)
    .where(and(inArray(people.id, personIds), inWindow(at)));
  return rows.map((r) => r.id);
}

export interface Onboarding {
  startDate: string;
  /** The first local date after the window. */
  endsOn: string;
  buddy: { name: string; email: string } | null;
  teammates: { name: string; email: string }[];
  managers: { name: string; email: string }[];
}

function endOf(startDate: string): string {
  return Temporal.PlainDate.from(startDate).add({ days: ONBOARDING_DAYS }).toString();
}

/** The person's onboarding, or null outside the window: their buddy, managers and teammates to meet. */
export async function onboardingOf(db: DbOrTx, personId: string, at: Date): Promise<Onboarding | null> {
  const [me] = await db
    .select({ startDate: people.startDate })
    .from(people)
    .where(and(eq(people.id, personId), inWindow(at)));
  if (!me?.startDate) return null;
  const myTeams = db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.personId, personId));
  const others = await db
    .selectDistinct({
      name: people.name,
      email: people.email,
      isManager: teamMembers.isManager,
      startDate: people.startDate,
    })
    .from(teamMembers)
    .innerJoin(people, eq(people.id, teamMembers.personId))
    .where(and(inArray(teamMembers.teamId, myTeams), ne(people.id, personId), eq(people.status, "active")))
    .orderBy(asc(people.name));
  const managers = others.filter((o) => o.isManager).map(({ name, email }) => ({ name, email }));
  const teammates = others.filter((o) => !o.isManager);
  // The buddy: the teammate who has been here longest (an unknown start date counts as long ago).
  const buddy = [...teammates].sort((a, b) => (a.startDate ?? "").localeCompare(b.startDate ?? ""))[0];
  return {
    startDate: me.startDate,
    endsOn: endOf(me.startDate),
    buddy: buddy ? { name: buddy.name, email: buddy.email } : null,
    teammates: teammates.slice(0, 6).map(({ name, email }) => ({ name, email })),
    managers,
  };
}

/** New hires in onboarding on teams `managerId` manages, for the manager's digest. */
export async function newHiresManagedBy(
  db: DbOrTx,
  managerId: string,
  at: Date,
): Promise<{ name: string; startDate: string; endsOn: string }[]> {
  const rows = await db
    .select({ name: people.name, startDate: people.startDate })
    .from(people)
    .where(and(managedBy(people.id, managerId), ne(people.id, managerId), isNotNull(people.startDate), inWindow(at)))
    .orderBy(asc(people.startDate));
  return rows.map((r) => ({ name: r.name, startDate: r.startDate as string, endsOn: endOf(r.startDate as string) }));
}
