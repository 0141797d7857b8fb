import { and, asc, eq, gte, notExists, sql } from "drizzle-orm";
import { isUniqueViolation } from "../db/errors.ts";
import type { Db, DbOrTx } from "../db/index.ts";
import type { FieldErrors } from "../http/errors.ts";
import { audit } from "../org/audit.ts";
import { people, teamHolidays, teamMembers, teams } from "./schema.ts";
import type { Team } from "./teams.ts";

/** One row of the admin team list. */
export interface TeamListRow {
  id: string;
  name: string;
  timeZone: string;
  memberCount: number;
  managerNames: string[];
}

/** Every team with its active member count and managers: one query, aggregated in SQL. */
export async function listTeams(db: DbOrTx): Promise<TeamListRow[]> {
  const active = sql`${people.status} = 'active'`;
  return db
    .select({
      id: teams.id,
      name: teams.name,
      timeZone: teams.timeZone,
      memberCount: sql<number>`(count(${people.id}) filter (where ${active}))::int`,
      managerNames: sql<
        string[]
      >`coalesce(array_agg(${people.name} order by ${people.name}) filter (where ${active} and ${teamMembers.isManager}), '{}')`,
    })
    .from(teams)
    .leftJoin(teamMembers, eq(teamMembers.teamId, teams.id))
    .leftJoin(people, eq(people.id, teamMembers.personId))
    .groupBy(teams.id)
    .orderBy(asc(teams.name));
}

type Actor = { actorId: string; at: Date };
export type TeamResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const duplicateName = (name: string): FieldErrors => ({ name: `There is already a team called “${name}”.` });

export async function createTeam(db: Db, input: { name: string; timeZone: string } & Actor): Promise<TeamResult<Team>> {
  try {
    const team = await db.transaction(async (tx) => {
      const [team] = await tx.insert(teams).values({ name: input.name, timeZone: input.timeZone }).returning();
      const created = team as Team;
      await audit(tx, {
        actorId: input.actorId,
        action: "team.created",
        target: created.id,
        details: { name: created.name, timeZone: created.timeZone },
        at: input.at,
      });
      return created;
    });
    return { ok: true, value: team };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: duplicateName(input.name) };
    throw error;
  }
}

/** Renames a team or changes its zone; `value` is null when there is no such team. */
export async function updateTeam(
  db: Db,
  input: { teamId: string; name: string; timeZone: string } & Actor,
): Promise<TeamResult<Team | null>> {
  try {
    const team = await db.transaction(async (tx) => {
      const [before] = await tx.select().from(teams).where(eq(teams.id, input.teamId)).for("update");
      if (!before) return null;
      const [after] = await tx
        .update(teams)
        .set({ name: input.name, timeZone: input.timeZone })
        .where(eq(teams.id, input.teamId))
        .returning();
      await audit(tx, {
        actorId: input.actorId,
        action: "team.updated",
        target: input.teamId,
        details: {
          from: { name: before.name, timeZone: before.timeZone },
          to: { name: input.name, timeZone: input.timeZone },
        },
        at: input.at,
      });
      return after as Team;
    });
    return { ok: true, value: team };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: duplicateName(input.name) };
    throw error;
  }
}

/** Deletes a team with its memberships and holidays; false when there is no such team. */
export async function deleteTeam(db: Db, input: { teamId: string } & Actor): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [deleted] = await tx.delete(teams).where(eq(teams.id, input.teamId)).returning();
    if (!deleted) return false;
    await audit(tx, {
      actorId: input.actorId,
      action: "team.deleted",
      target: input.teamId,
      details: { name: deleted.name },
      at: input.at,
    });
    return true;
  });
}

/** Active people who are not on the team yet: the choices for "Add member". */
export async function peopleNotInTeam(
  db: DbOrTx,
  teamId: string,
): Promise<{ id: string; name: string; email: string }[]> {
  return db
    .select({ id: people.id, name: people.name, email: people.email })
    .from(people)
    .where(
      and(
        eq(people.status, "active"),
        notExists(
          db
            .select({ one: sql`1` })
            .from(teamMembers)
            .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.personId, people.id))),
        ),
      ),
    )
    .orderBy(asc(people.name));
}

export async function addTeamMember(
  db: Db,
  input: { teamId: string; personId: string; isManager: boolean } & Actor,
): Promise<TeamResult<true>> {
  try {
    return await db.transaction(async (tx): Promise<TeamResult<true>> => {
      const [person] = await tx.select({ status: people.status }).from(people).where(eq(people.id, input.personId));
      if (person?.status !== "active") return { ok: false, errors: { personId: "Choose an active person." } };
      await tx
        .insert(teamMembers)
        .values({ teamId: input.teamId, personId: input.personId, isManager: input.isManager });
      await audit(tx, {
        actorId: input.actorId,
        action: "team.member-added",
        target: input.teamId,
        details: { personId: input.personId, isManager: input.isManager },
        at: input.at,
      });
      return { ok: true, value: true };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: { personId: "That person is already on this team." } };
    throw error;
  }
}

/** Takes a person off a team; false when they were not on it. */
export async function removeTeamMember(db: Db, input: { teamId: string; personId: string } & Actor): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(teamMembers)
      .where(and(eq(teamMembers.teamId, input.teamId), eq(teamMembers.personId, input.personId)))
      .returning();
    if (!removed.length) return false;
    await audit(tx, {
      actorId: input.actorId,
      action: "team.member-removed",
      target: input.teamId,
      details: { personId: input.personId },
      at: input.at,
    });
    return true;
  });
}

/**
 * Makes a member a manager of the team or not. With `isManager` omitted the flag flips; the
 * admin page always sends the state it wants, so a repeated submit does not flip it back.
 */
export async function setTeamManager(
  db: Db,
  input: { teamId: string; personId: string; isManager?: boolean | undefined } & Actor,
): Promise<{ isManager: boolean } | null> {
  return db.transaction(async (tx) => {
    const target = and(eq(teamMembers.teamId, input.teamId), eq(teamMembers.personId, input.personId));
    const [updated] = await tx
      .update(teamMembers)
      .set({ isManager: input.isManager ?? sql`not ${teamMembers.isManager}` })
      .where(target)
      .returning({ isManager: teamMembers.isManager });
    if (!updated) return null;
    await audit(tx, {
      actorId: input.actorId,
      action: "team.manager-changed",
      target: input.teamId,
      details: { personId: input.personId, isManager: updated.isManager },
      at: input.at,
    });
    return updated;
  });
}

export type TeamHoliday = typeof teamHolidays.$inferSelect;

/** A team's holidays, earliest first; from `fromDay` ("YYYY-MM-DD") on when given. */
export async function holidaysOf(db: DbOrTx, teamId: string, fromDay?: string): Promise<TeamHoliday[]> {
  return db
    .select()
    .from(teamHolidays)
    .where(and(eq(teamHolidays.teamId, teamId), fromDay ? gte(teamHolidays.day, fromDay) : undefined))
    .orderBy(asc(teamHolidays.day));
}

export async function addHoliday(
  db: Db,
  input: { teamId: string; day: string; name: string } & Actor,
): Promise<TeamResult<TeamHoliday>> {
  try {
    const holiday = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(teamHolidays)
        .values({ teamId: input.teamId, day: input.day, name: input.name })
        .returning();
      await audit(tx, {
        actorId: input.actorId,
        action: "team.holiday-added",
        target: input.teamId,
        details: { day: input.day, name: input.name },
        at: input.at,
      });
      return row as TeamHoliday;
    });
    return { ok: true, value: holiday };
  } catch (error) {
    if (isUniqueViolation(error))
      return { ok: false, errors: { holidayDate: "This team already has a holiday on that date." } };
    throw error;
  }
}

export async function deleteHoliday(db: Db, input: { teamId: string; holidayId: string } & Actor): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(teamHolidays)
      .where(and(eq(teamHolidays.id, input.holidayId), eq(teamHolidays.teamId, input.teamId)))
      .returning();
    if (!deleted) return false;
    await audit(tx, {
      actorId: input.actorId,
      action: "team.holiday-deleted",
      target: input.teamId,
      details: { day: deleted.day, name: deleted.name },
      at: input.at,
    });
    return true;
  });
}
