import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/index.ts";
import { isUuid } from "./people.ts";
import { people, teamMembers, teams } from "./schema.ts";

export type Team = typeof teams.$inferSelect;

export interface TeamSummary {
  id: string;
  name: string;
  timeZone: string;
  memberCount: number;
  isManager: boolean;
}

/** The teams a person belongs to, with member counts and whether they manage each. */
export async function teamsOf(db: DbOrTx, personId: string): Promise<TeamSummary[]> {
  const mine = db
    .select({ teamId: teamMembers.teamId, isManager: teamMembers.isManager })
    .from(teamMembers)
    .where(eq(teamMembers.personId, personId))
    .as("mine");
  return db
    .select({
      id: teams.id,
      name: teams.name,
      timeZone: teams.timeZone,
      isManager: mine.isManager,
      memberCount: sql<number>`(select count(*)::int from ${teamMembers} tm join ${people} p on p.id = tm.person_id where tm.team_id = ${teams.id} and p.status = 'active')`,
    })
    .from(teams)
    .innerJoin(mine, eq(mine.teamId, teams.id))
    .orderBy(asc(teams.name));
}

export interface TeamMember {
  id: string;
  name: string;
  email: string;
  timeZone: string;
  isManager: boolean;
  status: "active" | "deactivated";
}

export async function membersOf(db: DbOrTx, teamId: string): Promise<TeamMember[]> {
  return db
    .select({
      id: people.id,
      name: people.name,
      email: people.email,
      timeZone: people.timeZone,
      isManager: teamMembers.isManager,
      status: people.status,
    })
    .from(teamMembers)
    .innerJoin(people, eq(people.id, teamMembers.personId))
    .where(eq(teamMembers.teamId, teamId))
    .orderBy(asc(people.name));
}

/** Whether `personId` is a member (or, with `asManager`, a manager) of `teamId`. */
export async function isTeamMember(db: DbOrTx, teamId: string, personId: string, asManager = false): Promise<boolean> {
  const [row] = await db
    .select({ isManager: teamMembers.isManager })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.personId, personId)));
  return row !== undefined && (!asManager || row.isManager);
}

export async function teamsByIds(db: DbOrTx, ids: string[]): Promise<Team[]> {
  if (!ids.length) return [];
  return db.select().from(teams).where(inArray(teams.id, ids));
}

export async function findTeam(db: DbOrTx, id: string): Promise<Team | null> {
  if (!isUuid(id)) return null;
  const [team] = await db.select().from(teams).where(eq(teams.id, id));
  return team ?? null;
}
