import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { HttpError, isTeamMember, type RequestServices, requireViewer, teams } from "../../server/plugin-api.ts";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidParam(c: Context, name: string): string {
  const value = c.req.param(name) ?? "";
  if (!uuid.test(value)) throw new HttpError(404, "Not found.");
  return value;
}

/**
 * The team of `:teamId` if the viewer may see its aggregate figures: its members (managers
 * included) and admins. 404 for an unknown team, 403 for anyone else.
 */
export async function requireTeamViewer(
  c: Context,
  s: RequestServices<Record<string, unknown>>,
): Promise<{ id: string; name: string; timeZone: string }> {
  const viewer = requireViewer(s);
  const teamId = uuidParam(c, "teamId");
  const [team] = await s.db
    .select({ id: teams.id, name: teams.name, timeZone: teams.timeZone })
    .from(teams)
    .where(eq(teams.id, teamId));
  if (!team) throw new HttpError(404, "There is no such team.");
  const isAdmin = viewer.role === "admin" || viewer.role === "owner";
  if (!isAdmin && !(await isTeamMember(s.db, team.id, viewer.id)))
    throw new HttpError(403, "Team figures are for the team's members.");
  return team;
}
