import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { sessions } from "../auth/schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { Db, DbOrTx } from "../db/index.ts";
import { prepared } from "../db/prepared.ts";
import type { FieldErrors } from "../http/errors.ts";
import { audit } from "../org/audit.ts";
import type { Person } from "./people.ts";
import { people, type Role, roles, teamMembers, teams, type WorkingHours } from "./schema.ts";

export const peopleFilters = ["active", "deactivated", "all"] as const;
export type PeopleFilter = (typeof peopleFilters)[number];
export type PersonStatus = Person["status"];

/** One row of the admin people list. */
export interface PersonListRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  timeZone: string;
  status: PersonStatus;
  teamNames: string[];
}

function peopleListQuery(db: DbOrTx, where: SQL | undefined) {
  return db
    .select({
      id: people.id,
      name: people.name,
      email: people.email,
      role: people.role,
      timeZone: people.timeZone,
      status: people.status,
      teamNames: sql<
        string[]
      >`coalesce(array_agg(${teams.name} order by ${teams.name}) filter (where ${teams.id} is not null), '{}')`,
    })
    .from(people)
    .leftJoin(teamMembers, eq(teamMembers.personId, people.id))
    .leftJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(where)
    .groupBy(people.id)
    .orderBy(sql`${people.status} = 'active' desc`, asc(people.name), asc(people.id))
    .limit(sql.placeholder("limit"))
    .offset(sql.placeholder("offset"));
}

/** People per page of the admin list. */
export const PEOPLE_PER_PAGE = 100;

// The admin list is a hot page: both shapes of its query are prepared once per database.
const preparedPeopleList = prepared((db) => ({
  all: peopleListQuery(db, undefined).prepare("people_list_all"),
  byStatus: peopleListQuery(db, eq(people.status, sql.placeholder("status"))).prepare("people_list_by_status"),
}));

/** A page of people with the names of their teams, active first: one query, teams aggregated in SQL. */
export async function listPeople(
  db: Db,
  filter: PeopleFilter,
  page = 0,
): Promise<{ people: PersonListRow[]; hasMore: boolean }> {
  const queries = preparedPeopleList(db);
  // One row past the page says whether there is a next one.
  const window = { limit: PEOPLE_PER_PAGE + 1, offset: page * PEOPLE_PER_PAGE };
  const rows =
    filter === "all"
      ? await queries.all.execute(window)
      : await queries.byStatus.execute({ status: filter, ...window });
  return { people: rows.slice(0, PEOPLE_PER_PAGE), hasMore: rows.length > PEOPLE_PER_PAGE };
}

/** The roles `actor` may hand out: only an owner makes owners. */
export function grantableRoles(actor: { role: Role }): readonly Role[] {
  return actor.role === "owner" ? roles : roles.filter((r) => r !== "owner");
}

/** Whether `actor` may edit `person` at all: an owner's record is for owners only. */
export function canEditPerson(actor: { role: Role }, person: { role: Role }): boolean {
  return person.role !== "owner" || actor.role === "owner";
}

export interface PersonChanges {
  name: string;
  email: string;
  role: Role;
  timeZone: string;
  workingHours: WorkingHours;
  startDate: string | null;
  status: PersonStatus;
}

export type UpdatePersonResult =
  | { ok: true; person: Person; signedOut: number }
  | { ok: false; status: 403 | 404 | 409; message: string }
  | { ok: false; status: 422; errors: FieldErrors };

type Actor = { id: string; role: Role };

/**
 * Why `actor` may not make this change to `person`, or null when they may. The last-owner rule
 * is not here: it needs the other owners' rows locked, so `updatePerson` checks it.
 */
export function personEditRefusal(actor: Actor, person: Person, changes: PersonChanges): string | null {
  if (!canEditPerson(actor, person)) return "Only an owner can edit an owner.";
  if (changes.role === "owner" && person.role !== "owner" && actor.role !== "owner")
    return "Only an owner can make someone an owner.";
  // Owners may step down (while another owner remains); nobody else changes their own role.
  if (actor.id === person.id && changes.role !== person.role && person.role !== "owner")
    return "You cannot change your own role; ask another admin or an owner.";
  return null;
}

/**
 * Saves an admin's edit of a person. Enforces the role rules, keeps at least one active owner,
 * and signs a deactivated person out everywhere at once (their sessions are deleted).
 */
export async function updatePerson(
  db: Db,
  input: { actor: Actor; personId: string; changes: PersonChanges; at: Date },
): Promise<UpdatePersonResult> {
  const { actor, changes } = input;
  try {
    return await db.transaction(async (tx): Promise<UpdatePersonResult> => {
      const [person] = await tx.select().from(people).where(eq(people.id, input.personId)).for("update");
      if (!person) return { ok: false, status: 404, message: "Person not found." };
      const refusal = personEditRefusal(actor, person, changes);
      if (refusal) return { ok: false, status: 403, message: refusal };

      const losesOwner = person.role === "owner" && person.status === "active";
      if (losesOwner && (changes.role !== "owner" || changes.status !== "active")) {
        // Lock every active owner in one order, so two owners demoting each other at once
        // cannot both see "someone else is still owner".
        const owners = await tx
          .select({ id: people.id })
          .from(people)
          .where(and(eq(people.role, "owner"), eq(people.status, "active")))
          .orderBy(asc(people.id))
          .for("update");
        if (!owners.some((o) => o.id !== person.id)) {
          return {
            ok: false,
            status: 409,
            message: `${person.name} is the last active owner. Make someone else an owner before changing their role or status.`,
          };
        }
      }
      if (actor.id === person.id && changes.status !== "active")
        return { ok: false, status: 403, message: "You cannot deactivate your own account." };

      const [updated] = await tx
        .update(people)
        .set({ ...changes, email: changes.email.trim().toLowerCase(), name: changes.name.trim() })
        .where(eq(people.id, person.id))
        .returning();
      let signedOut = 0;
      if (changes.status === "deactivated") {
        const deleted = await tx
          .delete(sessions)
          .where(eq(sessions.personId, person.id))
          .returning({ id: sessions.id });
        signedOut = deleted.length;
      }
      await audit(tx, {
        actorId: actor.id,
        action:
          person.status === "active" && changes.status === "deactivated" ? "person.deactivated" : "person.updated",
        target: person.id,
        details: { changed: changedFields(person, changes), ...(signedOut ? { sessionsEnded: signedOut } : {}) },
        at: input.at,
      });
      return { ok: true, person: updated as Person, signedOut };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      return { ok: false, status: 422, errors: { email: "Another person already uses this email address." } };
    throw error;
  }
}

function changedFields(before: Person, after: PersonChanges): string[] {
  return (Object.keys(after) as (keyof PersonChanges)[]).filter(
    (key) => canonical(before[key]) !== canonical(after[key]),
  );
}

// jsonb does not keep key order, so compare objects with their keys sorted.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
