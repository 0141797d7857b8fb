import { and, eq, inArray } from "drizzle-orm";
import { membersOf, PageHeader, type PluginRoutes, people, type RequestServices } from "../../server/plugin-api.ts";
import { AfterHoursTrend, CategoryMix, Heatmap, OverlapTable, weekLabel } from "./charts.tsx";
import { weekStart } from "./my-activity.ts";
import { overlapHours, syncWindows } from "./overlap.ts";
import { currentPolicy } from "./policy.ts";
import { requireTeamViewer } from "./team-access.ts";
import { privacyTerms, teamFigures, weeksParam } from "./team-figures.ts";
import type { WorkingHours } from "./working-hours.ts";

type S = RequestServices<Record<string, unknown>>;

export async function teamPage(
  c: Parameters<Parameters<PluginRoutes<Record<string, unknown>>["get"]>[2]>[0],
  s: S,
): Promise<Response> {
  const team = await requireTeamViewer(c, s);
  const { minGroupSize } = await currentPolicy(s.db);
  const weeks = weeksParam(c.req.query("weeks"));
  const zone = c.req.query("zone") || undefined;
  const now = s.clock.now();
  const figures = await teamFigures(s.db, { teamId: team.id, weeks, zone });
  const terms = privacyTerms(minGroupSize);
  const members = await membersOf(s.db, team.id);
  const teamSchedules = members.length
    ? (
        await s.db
          .select({ timeZone: people.timeZone, workingHours: people.workingHours })
          .from(people)
          .where(
            and(
              inArray(
                people.id,
                members.map((m) => m.id),
              ),
              eq(people.status, "active"),
            ),
          )
      ).map((p) => ({ timeZone: p.timeZone, workingHours: p.workingHours as WorkingHours }))
    : [];
  const zones = [...new Set(teamSchedules.map((m) => m.timeZone))].sort();
  const monday = Temporal.Instant.fromEpochMilliseconds(weekStart(now, team.timeZone).getTime())
    .toZonedDateTimeISO(team.timeZone)
    .toPlainDate();
  const hours = overlapHours(teamSchedules, team.timeZone, monday);
  return s.page(
    <>
      <PageHeader title={`${team.name}: team rhythm`} />
      <p class="muted">
        Figures of the last {weeks === 1 ? "closed week" : `${weeks} closed weeks`} ({team.timeZone}), frozen when each
        week was released. Every figure has at least {minGroupSize} people behind it and carries random noise, so no
        figure belongs to one person; ± is the 95 % range of that noise.{" "}
        <a href="/activity/transparency">How this works</a>
      </p>
      <form method="get" class="filter-row activity-filters" action={`/activity/teams/${team.id}`}>
        <div class="field">
          <label for="weeks">Period</label>
          <select id="weeks" name="weeks">
            {[1, 4, 12].map((w) => (
              <option value={String(w)} selected={w === weeks}>
                {w === 1 ? "Last closed week" : `Last ${w} closed weeks`}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="zone">Members</label>
          <select id="zone" name="zone">
            <option value="">Whole team</option>
            {zones.map((z) => (
              <option value={z} selected={z === zone}>
                In {z}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button button-secondary">
          Show
        </button>
      </form>
      {figures.shown ? (
        <>
          <section class="card" aria-labelledby="heatmap">
            <h2 id="heatmap">Active hours</h2>
            <p>
              Weeks of {figures.weeks.map(weekLabel).join(", ")}: about{" "}
              {Math.max(0, Math.round(figures.contributors.value))} people contributed per week (±{" "}
              {figures.contributors.plusMinus}); {figures.activeHoursPerMember.value} active hours per member per week
              (± {figures.activeHoursPerMember.plusMinus}).
            </p>
            <Heatmap cells={figures.heatmap} timeZone={team.timeZone} />
            <p class="muted small">
              Differential privacy: each week's release costs every member's data ρ = {terms.rhoPerRelease} (zCDP, about
              ε = {terms.epsilonPerRelease} at δ = {terms.delta}), at most ρ = {terms.rhoPerPersonWeek} a week across
              all of a person's teams.
            </p>
          </section>
          <div class="split activity-split">
            <section class="card" aria-labelledby="mix">
              <h2 id="mix">Category mix</h2>
              <CategoryMix categories={figures.categories} />
            </section>
            <section class="card" aria-labelledby="after">
              <h2 id="after">After-hours share</h2>
              <p class="muted small">
                Active time outside each person's own working hours. A rising share can signal burnout.
              </p>
              {figures.afterHours.length ? (
                <AfterHoursTrend weeks={figures.afterHours} />
              ) : (
                <p class="muted">No week had enough people to show.</p>
              )}
            </section>
          </div>
        </>
      ) : (
        <section class="card activity-suppressed" aria-labelledby="suppressed">
          <h2 id="suppressed">Team figures are hidden</h2>
          <div class="empty" role="status">
            <p class="empty-title">{figures.reason}</p>
            <p>
              To protect each person's privacy, team figures are published only for closed weeks, only when at least{" "}
              {minGroupSize} people contributed, and with random noise added once, so that no figure can be traced back
              to one person. They appear once a week with enough contributors has closed; try the whole team or a longer
              period.
            </p>
            <p>
              <a href="/activity/transparency">Who sees what, and why</a>
            </p>
          </div>
        </section>
      )}
      <section class="card" aria-labelledby="overlap">
        <h2 id="overlap">Overlap across time zones</h2>
        <p class="muted small">From members' working hours on their profiles, not from activity.</p>
        <OverlapTable
          hours={hours}
          windows={syncWindows(hours)}
          members={teamSchedules.length}
          timeZone={team.timeZone}
        />
      </section>
    </>,
    { title: `${team.name} activity` },
  );
}
