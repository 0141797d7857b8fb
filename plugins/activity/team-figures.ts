import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import { at, rowsOf } from "./sql.ts";

/**
 * Team figures, with the privacy rules enforced in the queries themselves:
 *
 * 1. Nothing is shown unless at least `k` distinct people contributed in the window.
 * 2. A slice of the team (here: the members in one time zone) is shown only when it has at
 *    least `k` contributors AND the rest of the team has none or at least `k` — otherwise
 *    the team figure minus the slice would describe a handful of people.
 * 3. Every cell, category and week is itself aggregated `having count(distinct person) >= k`.
 * 4. No query here selects a person id or name, and nothing is grouped or ordered by person.
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
    select tm.person_id, p.time_zone, p.working_hours
    from team_members tm join people p on p.id = tm.person_id
    where tm.team_id = ${w.teamId}::uuid and p.status = 'active'`;
}

/** Who may be counted: the slice's members, or the whole team. */
function inScope(w: TeamWindow): SQL {
  return w.zone ? sql`m.time_zone = ${w.zone}` : sql`true`;
}

/** Checks rules 1 and 2; the reason is shown to the viewer instead of the figures. */
export async function privacyGate(
  db: DbOrTx,
  w: TeamWindow,
): Promise<{ ok: true; n: number } | { ok: false; reason: string }> {
  const [row] = rowsOf<{ total: number; scoped: number }>(
    await db.execute(sql`
      with m as (${population(w)})
      select count(distinct r.person_id)::int as total,
             count(distinct r.person_id) filter (where ${inScope(w)})::int as scoped
      from activity.rollups r join m on m.person_id = r.person_id
      where r.slot_start >= ${at(w.from)} and r.slot_start < ${at(w.to)} and r.seconds > 0`),
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

export async function teamFigures(db: DbOrTx, w: TeamWindow): Promise<TeamFigures> {
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

const scoped = (w: TeamWindow): SQL => sql`
  from activity.rollups r join (${population(w)}) m on m.person_id = r.person_id
  where r.slot_start >= ${at(w.from)} and r.slot_start < ${at(w.to)} and r.seconds > 0 and ${inScope(w)}`;

/** Active share per weekday × hour in the team's zone; a cell with fewer than k people is left out. */
export async function heatmapOf(db: DbOrTx, w: TeamWindow, contributors: number): Promise<HeatCell[]> {
  const weeks = Math.max(1, (w.to.getTime() - w.from.getTime()) / (7 * 86_400_000));
  const rows = rowsOf<{ weekday: number; hour: number; secs: number }>(
    await db.execute(sql`
      -- Per person first, so the threshold is a plain count (cheaper than count(distinct)).
      select weekday, hour, sum(secs)::float8 as secs
      from (
        select extract(isodow from r.slot_start at time zone ${w.timeZone})::int as weekday,
               extract(hour from r.slot_start at time zone ${w.timeZone})::int as hour,
               r.person_id, sum(r.seconds) as secs
        ${scoped(w)}
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
  w: TeamWindow,
): Promise<{ shares: CategoryShare[]; withheldShare: number; totalSeconds: number }> {
  const rows = rowsOf<{ category: string; secs: number; enough: boolean }>(
    await db.execute(sql`
      select category, sum(secs)::float8 as secs, count(*) >= ${w.k} as enough
      from (
        select split_part(r.category, ' > ', 1) as category, r.person_id, sum(r.seconds) as secs
        ${scoped(w)}
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

const weekdayKeys = sql.raw(`array['mon','tue','wed','thu','fri','sat','sun']`);

/**
 * Per week (team zone), the share of active time outside each person's own working hours
 * (`people.working_hours`, read in the person's own zone). Weeks with fewer than k people are
 * left out.
 */
export async function afterHoursTrend(db: DbOrTx, w: TeamWindow): Promise<WeekShare[]> {
  const rows = rowsOf<{ week: string; total: number; after: number }>(
    await db.execute(sql`
      with s as (
        select r.person_id, r.slot_start, r.seconds, r.slot_start at time zone m.time_zone as local
        ${scoped(w)}
      ),
      -- Each member's working hours as rows (person, ISO weekday, from, to): a small table to
      -- join, instead of unpacking JSON for every rollup row.
      hours as (
        select m.person_id, d.n as weekday, iv->>0 as opens, iv->>1 as closes
        from (${population(w)}) m
        cross join unnest(${weekdayKeys}) with ordinality as d(key, n)
        cross join jsonb_array_elements(coalesce(m.working_hours -> d.key, '[]'::jsonb)) iv
      ),
      marked as (
        select s.person_id, s.slot_start, s.seconds, exists (
          select 1 from hours h
          where h.person_id = s.person_id and h.weekday = extract(isodow from s.local)
            and to_char(s.local, 'HH24:MI') >= h.opens and to_char(s.local, 'HH24:MI') < h.closes
        ) as in_hours
        from s
      ),
      per_person as (
        select to_char(date_trunc('week', slot_start at time zone ${w.timeZone}), 'YYYY-MM-DD') as week, person_id,
               sum(seconds) as total, sum(seconds) filter (where not in_hours) as after
        from marked group by 1, 2
      )
      select week, sum(total)::float8 as total, coalesce(sum(after), 0)::float8 as after
      from per_person
      group by 1
      having count(*) >= ${w.k}
      order by 1`),
  );
  return rows.map((r) => ({ week: r.week, share: Number(r.total) ? Number(r.after) / Number(r.total) : 0 }));
}
