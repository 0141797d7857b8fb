import { eq } from "drizzle-orm";
import { z } from "zod";
import {
  HttpError,
  hasRole,
  isTeamMember,
  type RequestServices,
  requireViewer,
  teams,
} from "../../server/plugin-api.ts";

const uuid = z.uuid();

export function checkUuid(value: string | undefined, what = "page"): string {
  if (!value || !uuid.safeParse(value).success) throw new HttpError(404, `There is no such ${what}.`);
  return value;
}

export interface TeamAccess {
  team: { id: string; name: string; timeZone: string };
  canManage: boolean;
}

/** The team of a route, if the viewer is on it (or an admin); managers of the team (and admins) may change it. */
export async function teamAccess(
  s: RequestServices,
  rawTeamId: string | undefined,
  need: "read" | "manage",
): Promise<TeamAccess> {
  const viewer = requireViewer(s);
  const teamId = checkUuid(rawTeamId, "team");
  const [team] = await s.db
    .select({ id: teams.id, name: teams.name, timeZone: teams.timeZone })
    .from(teams)
    .where(eq(teams.id, teamId));
  if (!team) throw new HttpError(404, "There is no such team.");
  const admin = hasRole(viewer, "admin");
  const canManage = admin || (await isTeamMember(s.db, teamId, viewer.id, true));
  if (need === "manage" && !canManage) throw new HttpError(403, "Only the team's managers and admins can change this.");
  if (!canManage && !(await isTeamMember(s.db, teamId, viewer.id)))
    throw new HttpError(403, "You are not on this team.");
  return { team, canManage };
}
