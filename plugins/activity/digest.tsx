import { and, eq } from "drizzle-orm";
import { type DigestSection, teamMembers, teams } from "../../server/plugin-api.ts";
import { ownWeek } from "./my-activity.ts";
import { teamFigures } from "./team-figures.ts";

const pct = (share: number): string => `${Math.round(Math.min(1, Math.max(0, share)) * 100)}%`;

/**
 * "Your activity" in the digest: the person's own week; for managers, each managed team's
 * aggregate — only when the privacy threshold holds (the same gate as the team page).
 */
export const activityDigest: DigestSection<Record<string, unknown>> = {
  id: "week",
  title: "Your activity",
  async render(person, period, s) {
    const own = await ownWeek(s.db, person.id, person.timeZone, period.start);
    const managed = await s.db
      .select({ id: teams.id, name: teams.name, timeZone: teams.timeZone })
      .from(teamMembers)
      .innerJoin(teams, eq(teams.id, teamMembers.teamId))
      .where(and(eq(teamMembers.personId, person.id), eq(teamMembers.isManager, true)));
    const teamLines: { name: string; line: string }[] = [];
    for (const team of managed) {
      // The latest frozen release only: the digest publishes nothing the team page does not.
      const figures = await teamFigures(s.db, { teamId: team.id, weeks: 1 });
      if (!figures.shown) continue;
      const top = figures.categories
        .slice(0, 3)
        .map((c) => `${c.category} ${pct(c.value)} ± ${Math.round(c.plusMinus * 100)}`)
        .join(", ");
      const after = figures.afterHours.at(-1);
      teamLines.push({
        name: team.name,
        line: `week of ${figures.weeks.at(-1)}: ${figures.activeHoursPerMember.value} ± ${figures.activeHoursPerMember.plusMinus} active hours per member; ${top}${after ? `; ${pct(after.value)} after hours` : ""}.`,
      });
    }
    if (own.totalHours === 0 && teamLines.length === 0) return null;
    const topOwn = own.categories
      .slice(0, 3)
      .map((c) => `${c.category} ${c.hours} h`)
      .join(", ");
    const ownLine = own.totalHours ? `You were active ${own.totalHours} h (${topOwn}). Only you see this line.` : "";
    return {
      html: (
        <div>
          {ownLine ? <p style="margin:0 0 8px;">{ownLine}</p> : null}
          {teamLines.length ? (
            <ul style="margin:0;padding-left:18px;">
              {teamLines.map((t) => (
                <li>
                  <strong>{t.name}</strong>: {t.line}
                </li>
              ))}
            </ul>
          ) : null}
          <p style="margin:8px 0 0;font-size:13px;">
            <a href={`${s.baseUrl}/activity`}>Open your activity</a>
          </p>
        </div>
      ),
      text: [ownLine, ...teamLines.map((t) => `- ${t.name}: ${t.line}`), `${s.baseUrl}/activity`]
        .filter(Boolean)
        .join("\n"),
    };
  },
};
