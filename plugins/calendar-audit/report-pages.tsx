import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { HttpError, PageHeader, type PluginRoutes, raw, readForm, teams } from "../../server/plugin-api.ts";
import { managedTeamIds, type Services } from "./access.ts";
import { type SeriesView, seriesViews } from "./analysis.ts";
import { heaviestChart, weeklyHoursChart } from "./charts.ts";
import { categoryLabels } from "./classify.ts";
import { beforeAfter, csvCell, teamReport } from "./report.ts";
import { money, SeriesTable } from "./routes.tsx";
import { transitionPlan } from "./schema.ts";
import type { CalendarAuditSettings } from "./settings.ts";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The teams a report may cover: one the viewer manages (or any, for admins), or all of theirs. */
async function reportScope(s: Services, team: string | undefined): Promise<{ ids: string[] | null; label: string }> {
  const managed = await managedTeamIds(s);
  if (team) {
    if (!uuid.test(team)) throw new HttpError(404, "No such team.");
    if (managed !== null && !managed.includes(team)) throw new HttpError(403, "You do not manage this team.");
    const [row] = await s.db.select({ name: teams.name }).from(teams).where(eq(teams.id, team));
    if (!row) throw new HttpError(404, "No such team.");
    return { ids: [team], label: row.name };
  }
  return managed === null ? { ids: null, label: "the whole organization" } : { ids: managed, label: "your teams" };
}

export function reportPages(r: PluginRoutes<CalendarAuditSettings>): void {
  r.get("/report", "manager", async (c, s) => {
    const settings = await s.settings();
    const scope = await reportScope(s, c.req.query("team"));
    const views = await seriesViews(s.db, settings, {
      now: s.clock.now(),
      ...(scope.ids ? { teamIds: scope.ids } : {}),
    });
    const report = await teamReport(s.db, scope.ids, views, s.clock.now());
    const pick = await s.myTeams();
    const share = Math.round(report.killOrConvertShare * 100);
    return s.page(
      <>
        <PageHeader title={`Meeting audit: ${scope.label}`}>
          <a
            class="button button-secondary"
            href={`/calendar-audit/report.csv${scope.ids?.length === 1 ? `?team=${scope.ids[0]}` : ""}`}
          >
            Download CSV
          </a>
        </PageHeader>
        <form method="get" action="/calendar-audit/report" class="calendar-audit-inline">
          <label for="ca-team">Team</label>
          <select id="ca-team" name="team">
            <option value="">All I can see</option>
            {pick.map((t) => (
              <option value={t.id} selected={scope.ids?.length === 1 && scope.ids[0] === t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <button type="submit" class="button-small">
            Show
          </button>
        </form>
        <div class="cards">
          <div class="card">
            <h2>{report.hoursPerPersonPerWeek.toFixed(1)} h</h2>
            <p>in meetings per person per week (last 8 weeks, {report.headcount} people)</p>
          </div>
          <div class="card">
            <h2>{Math.round(report.recurringShare * 100)} %</h2>
            <p>of meeting time is recurring</p>
          </div>
          <div class="card">
            <h2>{money(report.costPerMonth, settings.currency)}</h2>
            <p>
              recurring meetings cost per month, plus {money(report.focusCostPerMonth, settings.currency)} of lost focus
            </p>
          </div>
          <div class="card">
            <h2>{share} %</h2>
            <p>
              of {report.recurringSeries} recurring meetings are recommended to convert or kill — the playbook's
              benchmark is 30–40 %
              {share < 30 ? " (you are below it)" : share > 40 ? " (you are above it)" : " (within it)"}.
            </p>
          </div>
        </div>
        <section class="card" aria-labelledby="ca-weekly">
          <h2 id="ca-weekly">Meeting hours per person per week</h2>
          {raw(weeklyHoursChart(report.weeks, report.headcount))}
        </section>
        <section class="card" aria-labelledby="ca-heaviest">
          <h2 id="ca-heaviest">Heaviest recurring meetings</h2>
          {raw(heaviestChart(report.heaviest.map((v) => ({ label: v.series.summary, value: v.attendeeHoursPerWeek }))))}
          <SeriesTable views={report.heaviest} currency={settings.currency} />
        </section>
      </>,
      { title: "Meeting audit report" },
    );
  });

  r.get("/report.csv", "manager", async (c, s) => {
    const settings = await s.settings();
    const scope = await reportScope(s, c.req.query("team"));
    const views = await seriesViews(s.db, settings, {
      now: s.clock.now(),
      ...(scope.ids ? { teamIds: scope.ids } : {}),
    });
    const header = [
      "uid",
      "meeting",
      "cadence",
      "minutes",
      "internal",
      "external",
      "attendee_hours_per_week",
      "cost_per_month",
      "focus_cost_per_month",
      "kind",
      "confidence",
      "recommendation",
      "outcome",
      "flags",
    ];
    const lines = views.map((v: SeriesView) =>
      [
        v.series.uid,
        v.series.summary,
        v.series.cadence,
        v.series.durationMinutes,
        v.internal,
        v.external,
        v.attendeeHoursPerWeek,
        v.costPerMonth,
        v.focusCostPerMonth,
        categoryLabels[v.category],
        v.series.overrideCategory ? 1 : v.series.confidence,
        v.recommendation.action,
        v.series.outcome,
        v.flags.join("; "),
      ]
        .map(csvCell)
        .join(","),
    );
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", 'attachment; filename="meeting-audit.csv"');
    return c.body(`${header.join(",")}\r\n${lines.join("\r\n")}\r\n`);
  });

  r.get("/tracker", "manager", async (_c, s) => {
    const settings = await s.settings();
    const managed = await managedTeamIds(s);
    const teamRows = await s.db
      .select({ id: teams.id, name: teams.name })
      .from(teams)
      .where(
        managed === null
          ? undefined
          : managed.length
            ? inArray(teams.id, managed)
            : eq(teams.id, "00000000-0000-0000-0000-000000000000"),
      )
      .orderBy(teams.name);
    const ids = teamRows.map((t) => t.id);
    const views = await seriesViews(s.db, settings, { now: s.clock.now(), teamIds: ids });
    const plan = ids.length ? await s.db.select().from(transitionPlan).where(inArray(transitionPlan.teamId, ids)) : [];
    const months = nextMonths(s.clock.now(), 9);
    const byId = new Map(views.map((v) => [v.series.id, v]));
    const done = views.filter((v) => v.series.outcome !== "active");
    const outcomes = await Promise.all(
      done.map(async (v) => ({
        v,
        ...(await beforeAfter(s.db, [v.series.id], new Date(`${v.series.outcomeOn}T00:00:00Z`))),
      })),
    );
    return s.page(
      <>
        <PageHeader title="Transition tracker" />
        <p class="muted">One conversion per team per month, over six to nine months. Weekly status first.</p>
        {teamRows.map((team) => {
          // Weekly status first (the playbook's first conversion), then the heaviest.
          const candidates = views
            .filter(
              (v) => v.series.teamId === team.id && v.series.outcome === "active" && v.recommendation.action !== "keep",
            )
            .sort(
              (a, b) =>
                Number(b.category === "status") - Number(a.category === "status") ||
                b.attendeeHoursPerWeek - a.attendeeHoursPerWeek,
            );
          const teamDone = done.filter((v) => v.series.teamId === team.id).length;
          return (
            <section class="card" aria-labelledby={`ca-t-${team.id}`}>
              <h2 id={`ca-t-${team.id}`}>
                {team.name}: {teamDone} of {months.length} done
              </h2>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Month</th>
                      <th scope="col">Meeting</th>
                      <th scope="col">Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {months.map((m) => {
                      const item = plan.find((p) => p.teamId === team.id && p.month === m);
                      const v = item ? byId.get(item.seriesId) : undefined;
                      return (
                        <tr>
                          <th scope="row" class="cell-name calendar-audit-month">
                            {m}
                          </th>
                          <td>
                            {v ? (
                              <a href={`/calendar-audit/series/${v.series.id}`}>{v.series.summary}</a>
                            ) : candidates.length ? (
                              <form method="post" action="/calendar-audit/tracker/plan" class="calendar-audit-inline">
                                <input type="hidden" name="teamId" value={team.id} />
                                <input type="hidden" name="month" value={m} />
                                <label class="visually-hidden" for={`ca-p-${team.id}-${m}`}>
                                  Meeting to convert in {m}
                                </label>
                                <select id={`ca-p-${team.id}-${m}`} name="seriesId">
                                  {candidates.map((cv) => (
                                    <option value={cv.series.id}>
                                      {cv.series.summary} ({cv.recommendation.action})
                                    </option>
                                  ))}
                                </select>
                                <button type="submit" class="button-small">
                                  Plan
                                </button>
                              </form>
                            ) : (
                              <span class="muted">nothing left to convert</span>
                            )}
                          </td>
                          <td>
                            {v
                              ? v.series.outcome === "active"
                                ? "planned"
                                : `${v.series.outcome} ${v.series.outcomeOn}`
                              : ""}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </section>
          );
        })}
        <section class="card" aria-labelledby="ca-before-after">
          <h2 id="ca-before-after">Before and after</h2>
          {outcomes.length ? (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Meeting</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Attendee-h/week, 4 weeks before</th>
                    <th scope="col">4 weeks after</th>
                    <th scope="col">Cost saved / month</th>
                  </tr>
                </thead>
                <tbody>
                  {outcomes.map((o) => (
                    <tr>
                      <th scope="row" class="cell-name">
                        {o.v.series.summary}
                      </th>
                      <td>
                        {o.v.series.outcome} {o.v.series.outcomeOn}
                      </td>
                      <td>{o.before.toFixed(1)}</td>
                      <td>{o.after.toFixed(1)}</td>
                      <td>
                        {money(o.before ? (o.v.costPerMonth * (o.before - o.after)) / o.before : 0, settings.currency)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="muted">
              Nothing converted or killed yet. Mark a meeting on its page; re-import calendars to measure the change.
            </p>
          )}
        </section>
      </>,
      { title: "Transition tracker" },
    );
  });

  r.post("/tracker/plan", "manager", async (c, s) => {
    const form = await readForm(
      c,
      z.object({
        teamId: z.uuid("Choose a team."),
        month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Give a month like 2026-04."),
        seriesId: z.uuid("Choose a meeting."),
      }),
    );
    if (!form.ok) throw new HttpError(422, Object.values(form.errors)[0] ?? "Check the form.");
    const managed = await managedTeamIds(s);
    if (managed !== null && !managed.includes(form.data.teamId))
      throw new HttpError(403, "You do not manage this team.");
    const settings = await s.settings();
    const [v] = await seriesViews(s.db, settings, { now: s.clock.now(), seriesId: form.data.seriesId });
    if (!v || v.series.teamId !== form.data.teamId) throw new HttpError(422, "Choose a meeting of this team.");
    const inserted = await s.db
      .insert(transitionPlan)
      .values({ ...form.data, createdBy: s.viewer?.id ?? "", createdAt: s.clock.now() })
      .onConflictDoNothing()
      .returning();
    if (!inserted.length) throw new HttpError(409, "This month already has a planned conversion.");
    s.flash("success", `Planned "${v.series.summary}" for ${form.data.month}.`);
    return s.redirect("/calendar-audit/tracker");
  });
}

/** "YYYY-MM" for this month and the next n-1, in UTC. */
export function nextMonths(now: Date, n: number): string[] {
  const start = Temporal.PlainYearMonth.from({ year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 });
  return Array.from({ length: n }, (_, i) => start.add({ months: i }).toString());
}
