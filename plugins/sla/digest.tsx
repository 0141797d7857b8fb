import { and, eq } from "drizzle-orm";
import { type DigestSection, teamMembers } from "../../server/plugin-api.ts";
import { formatDuration, openClocks } from "./clocks.ts";
import { share, slaReport } from "./reports.ts";
import type { SlaSettings } from "./settings.ts";

/** Asks waiting on you with time left; for managers, last week's share within target per team. */
export const slaDigest: DigestSection<SlaSettings> = {
  id: "waiting",
  title: "Asks waiting on you",
  order: 20,
  async render(person, period, s) {
    const now = s.clock.now();
    const waiting = await openClocks(s.db, { responderId: person.id }, now, 20);
    const managed = await s.db
      .select({ teamId: teamMembers.teamId })
      .from(teamMembers)
      .where(and(eq(teamMembers.personId, person.id), eq(teamMembers.isManager, true)));
    const weekStart = new Date(period.end.getTime() - 7 * 86_400_000);
    const rows = managed.length
      ? await slaReport(s.db, { teamIds: managed.map((m) => m.teamId), from: weekStart, to: period.end, now })
      : [];
    const byTeam = new Map<string, { within: number; counted: number }>();
    for (const r of rows) {
      const t = byTeam.get(r.team) ?? { within: 0, counted: 0 };
      t.within += r.within;
      t.counted += r.counted;
      byTeam.set(r.team, t);
    }
    const teamsLine = [...byTeam]
      .filter(([, t]) => t.counted)
      .map(
        ([name, t]) =>
          `${name}: ${Math.round((share(t.within, t.counted) ?? 0) * 100)} % of ${t.counted} asks within target`,
      );
    if (!waiting.length && !teamsLine.length) return null;
    const line = (w: (typeof waiting)[number]): string =>
      `${w.title} — ${w.status.status === "paused" ? "paused" : `${formatDuration(w.status.remainingSeconds)} left`}`;
    return {
      html: (
        <div>
          {waiting.length ? (
            <ul style="margin:0 0 12px;padding-left:18px;">
              {waiting.map((w) => (
                <li>
                  <a href={w.link.startsWith("/") ? `${s.baseUrl}${w.link}` : w.link} style="color:#0969da;">
                    {w.title}
                  </a>{" "}
                  — {w.status.status === "paused" ? "paused" : `${formatDuration(w.status.remainingSeconds)} left`}
                </li>
              ))}
            </ul>
          ) : null}
          {teamsLine.length ? (
            <p style="margin:0;">
              <strong>Last week:</strong> {teamsLine.join("; ")}.
            </p>
          ) : null}
        </div>
      ),
      text: [
        ...waiting.map((w) => `- ${line(w)}`),
        ...(teamsLine.length ? [`Last week: ${teamsLine.join("; ")}.`] : []),
      ].join("\n"),
    };
  },
};
