import { and, eq, inArray } from "drizzle-orm";
import { type DigestSection, teamMembers, teams } from "../../server/plugin-api.ts";
import { seriesViews } from "./analysis.ts";
import { transitionPlan } from "./schema.ts";
import type { CalendarAuditSettings } from "./settings.ts";

/** For managers: this month's planned conversion per team, its status, and hours saved so far. */
export const transitionDigest: DigestSection<CalendarAuditSettings> = {
  id: "transition",
  title: "Meeting transition",
  async render(person, period, s) {
    const managed = await s.db
      .select({ id: teams.id, name: teams.name })
      .from(teamMembers)
      .innerJoin(teams, eq(teams.id, teamMembers.teamId))
      .where(and(eq(teamMembers.personId, person.id), eq(teamMembers.isManager, true)));
    if (!managed.length) return null;
    const month = period.end.toISOString().slice(0, 7);
    const ids = managed.map((t) => t.id);
    const plan = await s.db
      .select()
      .from(transitionPlan)
      .where(and(inArray(transitionPlan.teamId, ids), eq(transitionPlan.month, month)));
    const settings = await s.settings();
    const views = await seriesViews(s.db, settings, { now: s.clock.now(), teamIds: ids });
    const saved = views.filter((v) => v.series.outcome !== "active").reduce((a, v) => a + v.attendeeHoursPerWeek, 0);
    const lines = managed.map((t) => {
      const item = plan.find((p) => p.teamId === t.id);
      const v = item ? views.find((x) => x.series.id === item.seriesId) : undefined;
      if (!v) return `${t.name}: no conversion planned for ${month}`;
      return `${t.name}: ${v.series.summary} — ${v.series.outcome === "active" ? `to ${v.recommendation.action}` : `${v.series.outcome} on ${v.series.outcomeOn}`}`;
    });
    if (!plan.length && saved === 0 && !views.length) return null;
    const link = `${s.baseUrl}/calendar-audit/tracker`;
    const savedLine = `Hours saved so far: ${saved.toFixed(1)} attendee-hours per week.`;
    return {
      html: (
        <div>
          <ul style="margin:0 0 8px;padding-left:18px;">
            {lines.map((l) => (
              <li>{l}</li>
            ))}
          </ul>
          <p style="margin:0;">
            {savedLine} <a href={link}>Open the tracker</a>
          </p>
        </div>
      ),
      text: `${lines.map((l) => `- ${l}`).join("\n")}\n${savedLine}\n${link}`,
    };
  },
};
