import { eq } from "drizzle-orm";
import { HttpError, hasRole, type RequestServices, teams } from "../../server/plugin-api.ts";

export interface VisibleTeam {
  id: string;
  name: string;
  timeZone: string;
  isManager: boolean;
  isMember: boolean;
}

function isAdmin(s: RequestServices<unknown>): boolean {
  return hasRole(s.viewer, "admin");
}

/** Teams whose updates the viewer may read: their own teams; every team for admins. */
export function visibleTeams(s: RequestServices<unknown>): Promise<VisibleTeam[]> {
  // Asked several times per request (the page, then the team check): load once per request.
  let teams = seen.get(s);
  if (!teams) {
    teams = loadVisibleTeams(s);
    seen.set(s, teams);
  }
  return teams;
}

const seen = new WeakMap<RequestServices<unknown>, Promise<VisibleTeam[]>>();

async function loadVisibleTeams(s: RequestServices<unknown>): Promise<VisibleTeam[]> {
  const mine = await s.myTeams();
  const own = mine.map((t) => ({
    id: t.id,
    name: t.name,
    timeZone: t.timeZone,
    isManager: t.isManager,
    isMember: true,
  }));
  if (!isAdmin(s)) return own;
  const all = await s.db
    .select({ id: teams.id, name: teams.name, timeZone: teams.timeZone })
    .from(teams)
    .orderBy(teams.name);
  // An admin (or owner) manages every team, including the ones they only belong to as a member.
  return all.map((t) => {
    const membership = own.find((o) => o.id === t.id);
    return membership ? { ...membership, isManager: true } : { ...t, isManager: true, isMember: false };
  });
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string | undefined): value is string {
  return typeof value === "string" && uuid.test(value);
}

/** The team if the viewer may read it; 404 for a malformed or unknown id, 403 for someone else's team. */
export async function readableTeam(s: RequestServices<unknown>, teamId: string | undefined): Promise<VisibleTeam> {
  if (!isUuid(teamId)) throw new HttpError(404, "No such team.");
  const team = (await visibleTeams(s)).find((t) => t.id === teamId);
  if (team) return team;
  const [exists] = await s.db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  if (!exists) throw new HttpError(404, "No such team.");
  throw new HttpError(403, "Only members of this team can see its updates.");
}

/** The team if the viewer manages it (or is an admin). */
export async function managedTeam(s: RequestServices<unknown>, teamId: string | undefined): Promise<VisibleTeam> {
  const team = await readableTeam(s, teamId);
  if (!team.isManager) throw new HttpError(403, "Only the team's managers can change its check-in.");
  return team;
}
