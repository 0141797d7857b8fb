/**
 * The team figures as they were computed before the frozen releases: live over the rollups at
 * every read. Kept only as the benchmark's baseline (bench/activity.ts times the new reads against
 * it in the same run); the product never calls it, since live figures can be differenced.
 */
import { type SQL, sql } from "drizzle-orm";
import { at, rowsOf } from "../plugins/activity/sql.ts";
import type { DbOrTx } from "../server/plugin-api.ts";

/**
 * Team figures, with the privacy rules enforced in the queries themselves:
 *
 * 1. Nothing is shown unless at least `k` distinct people contributed in the window.
 * 2. A slice of the team (here: the members in one time zone) is shown only when it has at
 *    least `k` contributors AND the rest of the team has none or at least `k` — otherwise
 *    the team figure minus the slice would describe a handful of people.
 * 3. Every cell, category and week is itself aggregated `having count(distinct person) >= k`.
 * 4. No query here selects a person id or name, and nothing is grouped or ordered by person.
 *
 * For speed, the figures read `rollup_hours` (per person, UTC hour and category, with the
 * after-hours seconds decided at rollup time); only the heatmap and the after-hours weeks of a
 * team whose zone is not a whole number of hours off UTC (India, Nepal, …) read the 15-minute
 * `rollups`, since its local hours start mid-way through UTC hours. The window is trimmed to whole hours so every figure
 * on a page covers exactly the same time. Time-zone conversion happens once per hour (or slot)
 * of the window, never once per stored row.
 */

export interface TeamWindow {
  teamId: string;
  /** The team's IANA time zone: heatmap hours and weeks are local to it. */
  timeZone: string;
  from: Date;
  to: Date;
  /** The privacy threshold (≥ 5). */
  k: number;
  /** Only members whose time zone is this one (a slice of the team). */
  zone?: string | undefined;
}

export interface HeatCell {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  hour: number;
  /** Share of the contributors' hours in this weekday-hour that were active, 0–1. */
  share: number;
}

export interface CategoryShare {
  category: string;
  share: number;
}

export interface WeekShare {
  /** Monday of the week, `YYYY-MM-DD`, in the team's time zone. */
  week: string;
  share: number;
}

export type TeamFigures =
  | { shown: false; reason: string }
  | {
      shown: true;
      contributors: number;
      activeHoursPerPerson: number;
      heatmap: HeatCell[];
      categories: CategoryShare[];
      /** The part of active time in categories too few people used to show. */
      withheldShare: number;
      afterHours: WeekShare[];
    };

function population(w: TeamWindow): SQL {
  return sql`
    select tm.person_id, p.time_zone
    from team_members tm join people p on p.id = tm.person_id
    where tm.team_id = ${w.teamId}::uuid and p.status = 'active'`;
}

/** Who may be counted: the slice's members, or the whole team. */
function inScope(w: TeamWindow): SQL {
  return w.zone ? sql`m.time_zone = ${w.zone}` : sql`true`;
}

const HOUR_MS = 3_600_000;

/** The window trimmed to whole hours (idempotent), so hourly and 15-minute sources agree. */
export function wholeHours(w: TeamWindow): TeamWindow {
  const from = new Date(Math.ceil(w.from.getTime() / HOUR_MS) * HOUR_MS);
  const to = new Date(Math.max(from.getTime(), Math.floor(w.to.getTime() / HOUR_MS) * HOUR_MS));
  return { ...w, from, to };
}

/** Whether `timeZone` is a whole number of hours off UTC all through [from, to]. */
export function wholeHourZone(timeZone: string, from: Date, to: Date): boolean {
  const offsetOk = (ms: number): boolean =>
    Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone).offsetNanoseconds % 3_600_000_000_000 === 0;
  for (let t = from.getTime(); t < to.getTime(); t += 86_400_000) if (!offsetOk(t)) return false;
  return offsetOk(to.getTime());
}

/** Every category's active seconds per member in scope and UTC hour of the window. */
function hourly(w: TeamWindow): SQL {
  return sql`
    select h.person_id, h.hour_start as t, h.category, h.seconds, h.after_hours_seconds as after
    from activity.rollup_hours h join (${population(w)}) m on m.person_id = h.person_id
    where h.hour_start >= ${at(w.from)} and h.hour_start < ${at(w.to)} and h.seconds > 0 and ${inScope(w)}`;
}

/**
 * The rows the heatmap and after-hours trend read, as `(person_id, t, category, seconds, after)`,
 * and the grid of `t` with each point's weekday, hour and week in the team's zone. The grid is
 * materialized, so the zone conversion runs a few thousand times, not once per row.
 */
function grid(w: TeamWindow): SQL {
  const whole = wholeHourZone(w.timeZone, w.from, w.to);
  const step = whole ? sql.raw(`interval '1 hour'`) : sql.raw(`interval '15 minutes'`);
  const source = whole
    ? hourly(w)
    : sql`
      select r.person_id, r.slot_start as t, r.category, r.seconds,
             case when r.after_hours then r.seconds else 0 end as after
      from activity.rollups r join (${population(w)}) m on m.person_id = r.person_id
      where r.slot_start >= ${at(w.from)} and r.slot_start < ${at(w.to)} and r.seconds > 0 and ${inScope(w)}`;
  return sql`
    g as materialized (
      select p.t,
             extract(isodow from p.t at time zone ${w.timeZone})::int as weekday,
             extract(hour from p.t at time zone ${w.timeZone})::int as hour,
             to_char(date_trunc('week', p.t at time zone ${w.timeZone}), 'YYYY-MM-DD') as week
      from generate_series(${at(w.from)}, ${at(w.to)} - ${step}, ${step}) as p(t)
    ),
    s as (${source})`;
}

/** Checks rules 1 and 2; the reason is shown to the viewer instead of the figures. */
export async function privacyGate(
  db: DbOrTx,
  window: TeamWindow,
): Promise<{ ok: true; n: number } | { ok: false; reason: string }> {
  const w = wholeHours(window);
  // One index probe per member on (person_id, slot_start): no scan of the team's rollups.
  const [row] = rowsOf<{ total: number; scoped: number }>(
    await db.execute(sql`
      select count(*)::int as total, count(*) filter (where ${inScope(w)})::int as scoped
      from (${population(w)}) m
      where exists (
        select 1 from activity.rollups r
        where r.person_id = m.person_id and r.slot_start >= ${at(w.from)} and r.slot_start < ${at(w.to)}
          and r.seconds > 0)`),
  );
  const total = row?.total ?? 0;
  const scoped = row?.scoped ?? 0;
  if (total < w.k) return { ok: false, reason: `Fewer than ${w.k} people contributed activity in this period.` };
  if (w.zone) {
    if (scoped < w.k) return { ok: false, reason: `Fewer than ${w.k} people in this time zone contributed.` };
    const rest = total - scoped;
    if (rest > 0 && rest < w.k)
      return { ok: false, reason: `Showing this slice would leave fewer than ${w.k} people in the rest of the team.` };
  }
  return { ok: true, n: scoped };
}

export async function teamFigures(db: DbOrTx, window: TeamWindow): Promise<TeamFigures> {
  const w = wholeHours(window);
  const gate = await privacyGate(db, w);
  if (!gate.ok) return { shown: false, reason: gate.reason };
  const [heatmap, categories, afterHours] = [
    await heatmapOf(db, w, gate.n),
    await categoryMix(db, w),
    await afterHoursTrend(db, w),
  ];
  const totalHours = categories.totalSeconds / 3600;
  return {
    shown: true,
    contributors: gate.n,
    activeHoursPerPerson: Math.round((totalHours / gate.n) * 10) / 10,
    heatmap,
    categories: categories.shares,
    withheldShare: categories.withheldShare,
    afterHours,
  };
}

/** Active share per weekday × hour in the team's zone; a cell with fewer than k people is left out. */
export async function heatmapOf(db: DbOrTx, window: TeamWindow, contributors: number): Promise<HeatCell[]> {
  const w = wholeHours(window);
  const weeks = Math.max(1, (w.to.getTime() - w.from.getTime()) / (7 * 86_400_000));
  const rows = rowsOf<{ weekday: number; hour: number; secs: number }>(
    await db.execute(sql`
      with ${grid(w)}
      -- Per person first, so the threshold is a plain count (cheaper than count(distinct)).
      select weekday, hour, sum(secs)::float8 as secs
      from (
        select g.weekday, g.hour, s.person_id, sum(s.seconds) as secs
        from s join g on g.t = s.t
        group by 1, 2, 3
      ) per_person
      group by 1, 2
      having count(*) >= ${w.k}`),
  );
  return rows.map((r) => ({
    weekday: r.weekday,
    hour: r.hour,
    share: Math.min(1, Number(r.secs) / (contributors * weeks * 3600)),
  }));
}

/** Share of active time per top-level category; categories fewer than k people used are withheld. */
export async function categoryMix(
  db: DbOrTx,
  window: TeamWindow,
): Promise<{ shares: CategoryShare[]; withheldShare: number; totalSeconds: number }> {
  const w = wholeHours(window);
  const rows = rowsOf<{ category: string; secs: number; enough: boolean }>(
    await db.execute(sql`
      select category, sum(secs)::float8 as secs, count(*) >= ${w.k} as enough
      from (
        -- Top level per (category, person) group, not per row: a few hundred string splits.
        select split_part(category, ' > ', 1) as category, person_id, sum(secs) as secs
        from (
          select s.category, s.person_id, sum(s.seconds) as secs
          from (${hourly(w)}) s
          group by 1, 2
        ) per_category
        group by 1, 2
      ) per_person
      group by 1
      order by 2 desc`),
  );
  const total = rows.reduce((sum, r) => sum + Number(r.secs), 0);
  if (!total) return { shares: [], withheldShare: 0, totalSeconds: 0 };
  const shown = rows.filter((r) => r.enough);
  const withheld = rows.filter((r) => !r.enough).reduce((sum, r) => sum + Number(r.secs), 0);
  return {
    shares: shown.map((r) => ({ category: r.category, share: Number(r.secs) / total })),
    withheldShare: withheld / total,
    totalSeconds: total,
  };
}

/**
 * Per week (team zone), the share of active time outside each person's own working hours
 * (`rollups.after_hours`, decided at rollup time from `people.working_hours` in the person's
 * own zone). Weeks with fewer than k people are left out.
 */
export async function afterHoursTrend(db: DbOrTx, window: TeamWindow): Promise<WeekShare[]> {
  const w = wholeHours(window);
  const rows = rowsOf<{ week: string; total: number; after: number }>(
    await db.execute(sql`
      with ${grid(w)}
      select week, sum(total)::float8 as total, sum(after)::float8 as after
      from (
        select g.week, s.person_id, sum(s.seconds) as total, sum(s.after) as after
        from s join g on g.t = s.t
        group by 1, 2
      ) per_person
      group by 1
      having count(*) >= ${w.k}
      order by 1`),
  );
  return rows.map((r) => ({ week: r.week, share: Number(r.total) ? Number(r.after) / Number(r.total) : 0 }));
}
