import { and, asc, eq } from "drizzle-orm";
import {
  EmptyState,
  HttpError,
  PageHeader,
  type PluginRoutes,
  requireViewer,
  type SafeHtml,
  teamMembers,
  teams,
} from "../../server/plugin-api.ts";
import { base, idParam, type S } from "./request.ts";
import type { WritingSettings } from "./settings.ts";
import { type TrendMonth, teamTrend, writerTrend } from "./trends.ts";

const pct = (share: number | null): string => (share === null ? "–" : `${Math.round(share * 100)} %`);

/** A year back from now: the trend window. */
export function trendSince(now: Date): Date {
  return new Date(now.getTime() - 365 * 86_400_000);
}

/** The first instant of the current month in `timeZone`: months before it are closed. */
function monthStart(now: Date, timeZone: string): Date {
  const local = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone);
  return new Date(local.with({ day: 1 }).startOfDay().epochMilliseconds);
}

export function TrendTable(props: { months: TrendMonth[]; caption: string }): SafeHtml {
  return (
    <div class="writing-trend-table">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Month</th>
            <th scope="col">Updates</th>
            <th scope="col">Bottom line first</th>
            <th scope="col">Asks addressed with a deadline</th>
            <th scope="col">Words per sentence</th>
            <th scope="col">Reading grade</th>
            <th scope="col">Drew clarification questions</th>
          </tr>
        </thead>
        <tbody>
          {props.months.map((m) => (
            <tr>
              <th scope="row">{m.month}</th>
              <td>{m.updates}</td>
              <td>{pct(m.blufShare)}</td>
              <td>{m.asks ? `${pct(m.askAddressedShare)} of ${m.asks}` : "no asks"}</td>
              <td>{m.sentenceLength}</td>
              <td>{m.grade}</td>
              <td>{pct(m.clarifiedShare)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  ) as SafeHtml;
}

/** The viewer's managed teams (one indexed query; member counts are not needed here). */
function teamsManagedBy(s: S, teamId?: string): Promise<{ id: string; name: string; timeZone: string }[]> {
  return s.db
    .select({ id: teams.id, name: teams.name, timeZone: teams.timeZone })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(
      and(
        eq(teamMembers.personId, requireViewer(s).id),
        eq(teamMembers.isManager, true),
        teamId ? eq(teamMembers.teamId, teamId) : undefined,
      ),
    )
    .orderBy(asc(teams.name));
}

async function managedTeam(s: S, teamId: string): Promise<{ id: string; name: string; timeZone: string }> {
  const [team] = await teamsManagedBy(s, teamId);
  if (team) return team;
  const [exists] = await s.db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  if (!exists) throw new HttpError(404, "Team not found.");
  // Team trends are for the team's managers only.
  throw new HttpError(403, "Team writing trends are for the team's managers.");
}

export function trendPages(r: PluginRoutes<WritingSettings>): void {
  r.get("/trends", "member", async (_c, s) => {
    const viewer = requireViewer(s);
    const now = s.clock.now();
    const months = await writerTrend(s.db, viewer.id, viewer.timeZone, trendSince(now));
    const managed = await teamsManagedBy(s);
    return s.page(
      <>
        <PageHeader title="Your writing trends" />
        <p class="muted">
          Only you see these numbers. They come from your posted updates, measured by the same writing hints you see
          while you write.
        </p>
        {months.length ? (
          <TrendTable months={months} caption="Your posted updates, by month" />
        ) : (
          <EmptyState title="No posted updates in the last year yet." />
        )}
        {managed.length ? (
          <section class="card" aria-labelledby="teams">
            <h2 id="teams">Your teams</h2>
            <ul class="plain-list">
              {managed.map((t) => (
                <li>
                  <a href={`${base}/teams/${t.id}/trends`}>{t.name}</a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </>,
      { title: "Your writing trends" },
    );
  });

  r.get("/teams/:teamId/trends", "member", async (c, s) => {
    const team = await managedTeam(s, idParam(c.req.param("teamId"), "Team"));
    const now = s.clock.now();
    const { minTeamSize } = await s.settings();
    const { released, suppressed } = await teamTrend(
      s.db,
      team.id,
      team.timeZone,
      trendSince(now),
      monthStart(now, team.timeZone),
      minTeamSize,
      now,
    );
    return s.page(
      <>
        <PageHeader title={`${team.name}: writing trends`} />
        <p class="muted">
          Team aggregates only, for finished months in which at least {Math.max(5, minTeamSize)} people wrote. There is
          no per-person view and no ranking: each writer sees their own trend.
        </p>
        {released.length ? (
          <TrendTable months={released} caption={`${team.name}, by month`} />
        ) : (
          <EmptyState title="Not enough writers yet to show a team trend." />
        )}
        {suppressed ? (
          <p class="muted small">
            {suppressed} month{suppressed === 1 ? "" : "s"} left out: fewer than {Math.max(5, minTeamSize)} writers.
          </p>
        ) : null}
      </>,
      { title: "Team writing trends" },
    );
  });
}

/** The writer's own trend as JSON (`GET /api/writing/trends`). */
export function trendApi(r: PluginRoutes<WritingSettings>): void {
  r.get("/trends", "member", async (c, s) => {
    const viewer = requireViewer(s);
    return c.json({ months: await writerTrend(s.db, viewer.id, viewer.timeZone, trendSince(s.clock.now())) });
  });
}
