import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import { type DbOrTx, teamMembers } from "../../server/plugin-api.ts";

/** `column` is a person on a team that `managerId` manages (an SQL condition). */
export function managedBy(column: AnyColumn | SQL, managerId: string): SQL {
  return sql`${column} in (select m.person_id from ${teamMembers} m where m.team_id in (select own.team_id from ${teamMembers} own where own.person_id = ${managerId} and own.is_manager))`;
}

/** Whether `managerId` manages a team that any of `personIds` is on. */
export async function managesAnyOf(db: DbOrTx, managerId: string, personIds: string[]): Promise<boolean> {
  if (!personIds.length) return false;
  const [row] = await db
    .select({ personId: teamMembers.personId })
    .from(teamMembers)
    .where(
      sql`${teamMembers.personId} in (${sql.join(
        personIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}) and ${managedBy(teamMembers.personId, managerId)}`,
    )
    .limit(1);
  return Boolean(row);
}
