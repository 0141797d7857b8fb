import { HttpError, hasRole, type RequestServices } from "../../server/plugin-api.ts";
import type { MeetingSeries } from "./schema.ts";
import type { CalendarAuditSettings } from "./settings.ts";

export type Services = RequestServices<CalendarAuditSettings>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidParam(value: string | undefined, what = "page"): string {
  if (!value || !uuidPattern.test(value)) throw new HttpError(404, `No such ${what}.`);
  return value.toLowerCase();
}

export function isAdmin(s: Services): boolean {
  return hasRole(s.viewer, "admin");
}

/** Teams whose meetings the viewer may see: all for admins (null), else their own. */
export async function visibleTeamIds(s: Services): Promise<string[] | null> {
  if (isAdmin(s)) return null;
  return (await s.myTeams()).map((t) => t.id);
}

/** Teams the viewer may plan and override for: all for admins (null), else those they manage. */
export async function managedTeamIds(s: Services): Promise<string[] | null> {
  if (isAdmin(s)) return null;
  return (await s.myTeams()).filter((t) => t.isManager).map((t) => t.id);
}

export function canSee(s: Services, series: MeetingSeries, teams: string[] | null): boolean {
  // From someone's own calendar and shared with no team: theirs alone (and its attendees').
  if (series.ownerId && !series.teamId) return series.ownerId === s.viewer?.id || isAttendee(s, series);
  if (teams === null) return true;
  if (series.teamId && teams.includes(series.teamId)) return true;
  return isAttendee(s, series);
}

function isAttendee(s: Services, series: MeetingSeries): boolean {
  const email = s.viewer?.email.toLowerCase();
  return !!email && series.attendees.some((a) => a.email === email);
}

export async function canManage(s: Services, series: MeetingSeries): Promise<boolean> {
  if (series.ownerId && !series.teamId) return series.ownerId === s.viewer?.id;
  const teams = await managedTeamIds(s);
  if (teams === null) return true;
  return !!series.teamId && teams.includes(series.teamId);
}
