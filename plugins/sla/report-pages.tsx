// Reports: the share answered within target and time to first response, as a page and as CSV.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import {
  hasRole,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  raw,
  teamMembers,
  teams,
} from "../../server/plugin-api.ts";
import { formatDuration } from "./clocks.ts";
import { reportCsv, share, slaReport, slaTrend, trendSvg } from "./reports.ts";
import type { SlaSettings } from "./settings.ts";

type S = RequestServices<SlaSettings>;

async function myTeamIds(s: S, managedOnly: boolean): Promise<string[]> {
  const viewer = s.viewer;
  if (!viewer) return [];
  if (hasRole(viewer, "admin")) return (await s.db.select({ id: teams.id }).from(teams)).map((t) => t.id);
  const rows = await s.db
    .select({ id: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.personId, viewer.id), managedOnly ? eq(teamMembers.isManager, true) : undefined));
  return rows.map((r) => r.id);
}

const reportQuery = z.object({ weeks: z.coerce.number().int().min(1).max(52).catch(12) });

async function reportData(c: Parameters<Parameters<PluginRoutes<SlaSettings>["get"]>[2]>[0], s: S) {
  const { weeks } = reportQuery.parse({ weeks: c.req.query("weeks") ?? "12" });
  const teamIds = await myTeamIds(s, true);
  const now = s.clock.now();
  const range = { teamIds, from: new Date(now.getTime() - weeks * 7 * 86_400_000), to: now, now };
  return { weeks, rows: await slaReport(s.db, range), trend: await slaTrend(s.db, range) };
}

/** The report page and its CSV export. */
export function slaReportRoutes(r: PluginRoutes<SlaSettings>): void {
  r.get(
    "/reports",
    "manager",
    async (c, s) => {
      const { weeks, rows, trend } = await reportData(c, s);
      const hours = (sec: number | null): string => (sec === null ? "—" : formatDuration(sec));
      return s.page(
        <>
          <PageHeader title="Response-time report">
            <a class="button button-secondary" href={`/sla/reports.csv?weeks=${weeks}`}>
              Download CSV
            </a>
          </PageHeader>
          <form method="get" action="/sla/reports" class="filter-row">
            <label for="f-weeks">Period</label>
            <select id="f-weeks" name="weeks">
              {[4, 12, 26, 52].map((w) => (
                <option value={String(w)} selected={w === weeks}>
                  last {String(w)} weeks
                </option>
              ))}
            </select>
            <button type="submit" class="button-secondary">
              Show
            </button>
          </form>
          <section class="card" aria-labelledby="trend">
            <h2 id="trend">Share within target by week</h2>
            {raw(trendSvg(trend))}
          </section>
          <section class="card" aria-labelledby="by-kind">
            <h2 id="by-kind">By team, work type and medium</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Team</th>
                    <th scope="col">Work type</th>
                    <th scope="col">Medium</th>
                    <th scope="col">Asks counted</th>
                    <th scope="col">Within target</th>
                    <th scope="col">p50 to first response</th>
                    <th scope="col">p90 to first response</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => {
                    const pct = share(r.within, r.counted);
                    return (
                      <tr>
                        <td>{r.team}</td>
                        <td>{r.workType}</td>
                        <td>{r.medium}</td>
                        <td>{String(r.counted)}</td>
                        <td>{pct === null ? "—" : `${Math.round(pct * 100)} %`}</td>
                        <td>{hours(r.p50)}</td>
                        <td>{hours(r.p90)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <p class="small muted">Times are business time. Asks still open and not yet due are not counted.</p>
          </section>
        </>,
        { title: "SLA report" },
      );
    },
    { keepRendered: true },
  );

  r.get("/reports.csv", "manager", async (c, s) => {
    const { weeks, rows } = await reportData(c, s);
    return new Response(reportCsv(rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="sla-report-${weeks}w-${s.clock.now().toISOString().slice(0, 10)}.csv"`,
      },
    });
  });
}
