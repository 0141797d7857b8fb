import { eq } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { teamHolidays, teams } from "../people/schema.ts";
import type { BusinessCalendar, BusinessCalendarProvider } from "./hooks.ts";

const weekdays: [string, string][] = [["09:00", "17:00"]];

/** Core's calendar until a plugin provides a richer one: the team's zone, Mon–Fri 09:00–17:00, its holidays. */
export function defaultBusinessCalendar(db: Db): BusinessCalendarProvider {
  return {
    async forTeam(teamId: string): Promise<BusinessCalendar | null> {
      const [team] = await db.select({ timeZone: teams.timeZone }).from(teams).where(eq(teams.id, teamId));
      if (!team) return null;
      const holidays = await db
        .select({ day: teamHolidays.day })
        .from(teamHolidays)
        .where(eq(teamHolidays.teamId, teamId));
      return {
        timeZone: team.timeZone,
        open: { 1: weekdays, 2: weekdays, 3: weekdays, 4: weekdays, 5: weekdays },
        holidays: holidays.map((h) => h.day),
      };
    },
  };
}
