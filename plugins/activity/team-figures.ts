import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import { DELTA, epsilonOf, RHO_PER_PERSON_WEEK, RHO_PER_RELEASE } from "./noise.ts";
import { WHOLE_TEAM } from "./release.ts";
import { rowsOf } from "./sql.ts";

/**
 * Team figures as published: read only from the frozen releases (release.ts), never computed
 * from the rollups at read time. Several released weeks are combined by adding their stored
 * noisy values (post-processing, which costs no privacy); the ± shown is the 95 % interval of
 * the summed noise. No query here touches a person id.
 */

/** A figure and the half-width of its 95 % noise interval. */
export interface Noisy {
  value: number;
  plusMinus: number;
}

export interface HeatCell extends Noisy {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  hour: number;
}

export interface CategoryShare extends Noisy {
  category: string;
}

export interface WeekShare extends Noisy {
  /** Monday of the week, `YYYY-MM-DD`, in the team's time zone. */
  week: string;
}

export interface PrivacyTerms {
  k: number;
  /** zCDP ρ each person's data costs per team and week, and the weekly cap across teams. */
  rhoPerRelease: number;
  rhoPerPersonWeek: number;
  /** The same as (ε, δ)-DP. */
  epsilonPerRelease: number;
  delta: number;
}

export type TeamFigures =
  | { shown: false; reason: string; weeks: string[] }
  | {
      shown: true;
      /** The released weeks combined, oldest first. */
      weeks: string[];
      /** Noisy contributors per week, averaged. */
      contributors: Noisy;
      /** Active hours per member per week (from the heatmap cells shown). */
      activeHoursPerMember: Noisy;
      /** Share of members' hours active, per weekday × hour; cells with fewer than k people are absent. */
      heatmap: HeatCell[];
      /** Share of the time of the categories shown (people weighted equally). */
      categories: CategoryShare[];
      afterHours: WeekShare[];
    };

export const privacyTerms = (k: number): PrivacyTerms => ({
  k,
  rhoPerRelease: RHO_PER_RELEASE,
  rhoPerPersonWeek: RHO_PER_PERSON_WEEK,
  epsilonPerRelease: Math.round(epsilonOf(RHO_PER_RELEASE) * 100) / 100,
  delta: DELTA,
});

export interface FigureQuery {
  teamId: string;
  /** How many of the latest released weeks to combine. */
  weeks: number;
  /** A time-zone slice of the team, or the whole team. */
  zone?: string | undefined;
}

/** The periods a viewer may pick: the latest 1, 4 or 12 released weeks (default 4). */
export function weeksParam(value: string | undefined): number {
  const weeks = Number(value ?? "4");
  return [1, 4, 12].includes(weeks) ? weeks : 4;
}

const Z95 = 1.96;
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;
const noisy = (value: number, sigma: number, scale: number): Noisy => ({
  value: round(value / scale),
  plusMinus: round((Z95 * sigma) / scale),
});

/** The latest `weeks` released weeks of the team's slice, read from the frozen releases. */
export async function teamFigures(db: DbOrTx, q: FigureQuery): Promise<TeamFigures> {
  const slice = q.zone ?? WHOLE_TEAM;
  const released = rowsOf<{ week: string; members: number; shown: boolean; reason: string | null }>(
    await db.execute(sql`
      select week::text as week, members, shown, reason from activity.releases
      where team_id = ${q.teamId}::uuid and slice = ${slice}
      order by week desc limit ${q.weeks}`),
  );
  if (!released.length)
    return {
      shown: false,
      weeks: [],
      reason: q.zone
        ? "No week has been released for this time zone."
        : "No week has been released yet: team figures appear once a whole week has closed and been frozen.",
    };
  const shownWeeks = released.filter((r) => r.shown).map((r) => r.week);
  if (!shownWeeks.length)
    return { shown: false, weeks: released.map((r) => r.week).reverse(), reason: released[0]?.reason ?? "Hidden." };
  const cells = rowsOf<{ kind: string; key: string; value: number; sigma: number; members: number }>(
    await db.execute(sql`
      select c.kind, c.key, sum(c.value)::float8 as value, sqrt(sum(c.sigma * c.sigma))::float8 as sigma,
             sum(r.members)::int as members
      from activity.release_cells c
      join activity.releases r on r.team_id = c.team_id and r.week = c.week and r.slice = c.slice
      where c.team_id = ${q.teamId}::uuid and c.slice = ${slice} and c.kind in ('heat', 'category')
        and c.week = any(${`{${shownWeeks.join(",")}}`}::date[])
      group by 1, 2`),
  );
  const perWeek = rowsOf<{ week: string; after: number; after_sigma: number; people: number; people_sigma: number }>(
    await db.execute(sql`
      select week::text as week,
             max(value) filter (where kind = 'after')::float8 as after,
             max(sigma) filter (where kind = 'after')::float8 as after_sigma,
             max(value) filter (where kind = 'people')::float8 as people,
             max(sigma) filter (where kind = 'people')::float8 as people_sigma
      from activity.release_cells
      where team_id = ${q.teamId}::uuid and slice = ${slice} and kind in ('after', 'people')
        and week = any(${`{${shownWeeks.join(",")}}`}::date[])
      group by 1 order by 1`),
  );
  const memberWeeks = released.filter((r) => r.shown).reduce((sum, r) => sum + r.members, 0);
  const heat = cells.filter((c) => c.kind === "heat");
  const heatmap = heat.map((c) => {
    const [weekday, hour] = c.key.split(":").map(Number);
    return { weekday: weekday ?? 0, hour: hour ?? 0, ...noisy(c.value, c.sigma, c.members) };
  });
  const hours = heat.reduce((sum, c) => sum + c.value, 0);
  const hoursSigma = Math.sqrt(heat.reduce((sum, c) => sum + c.sigma ** 2, 0));
  const category = cells.filter((c) => c.kind === "category");
  const categoryTotal = category.reduce((sum, c) => sum + Math.max(0, c.value), 0) || 1;
  const people = perWeek.reduce((sum, w) => sum + (w.people ?? 0), 0);
  const peopleSigma = Math.sqrt(perWeek.reduce((sum, w) => sum + (w.people_sigma ?? 0) ** 2, 0));
  return {
    shown: true,
    weeks: [...shownWeeks].reverse(),
    contributors: noisy(people, peopleSigma, perWeek.length || 1),
    activeHoursPerMember: noisy(hours, hoursSigma, memberWeeks || 1),
    heatmap,
    categories: category
      .map((c) => ({ category: c.key, ...noisy(Math.max(0, c.value), c.sigma, categoryTotal) }))
      .sort((a, b) => b.value - a.value),
    afterHours: perWeek.map((w) => ({
      week: w.week,
      ...noisy(Math.min(Math.max(0, w.after ?? 0), w.people), w.after_sigma ?? 0, Math.max(1, w.people ?? 1)),
    })),
  };
}
