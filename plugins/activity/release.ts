import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import {
  HEAT_L2_BOUND,
  type Noise,
  RHO_PER_PERSON_WEEK,
  RHO_PER_RELEASE,
  sigmasOf,
  WHOLE_TEAM_SHARE,
} from "./noise.ts";
import { releaseBudget, releaseCells, releases, rollupState } from "./schema.ts";
import { at, rowsOf } from "./sql.ts";

/**
 * The release job: team figures are published only for closed ISO weeks (Monday 00:00 to
 * Monday 00:00 in the team's zone), once every rollup of the week is final, with the week's
 * membership taken when the release is made, Gaussian noise drawn once, and the result
 * stored. Nothing ever updates a release, so a late event, a membership change or a policy
 * change cannot move a published number; pages only read what was stored here.
 */

export interface TeamRef {
  id: string;
  timeZone: string;
}

export interface ReleaseOptions {
  /** The minimum distinct contributors per published cell (policy, ≥ 5). */
  k: number;
  noise: Noise;
  now: Date;
}

/** The whole team's slice key; time-zone slices use the zone name. */
export const WHOLE_TEAM = "";

/** [start, end) of the ISO week whose Monday is `week` (YYYY-MM-DD), in `timeZone`. */
export function weekPeriod(week: string, timeZone: string): { start: Date; end: Date } {
  const monday = Temporal.PlainDate.from(week);
  const start = monday.toZonedDateTime({ timeZone }).epochMilliseconds;
  const end = monday.add({ days: 7 }).toZonedDateTime({ timeZone }).epochMilliseconds;
  return { start: new Date(start), end: new Date(end) };
}

/** The Monday (YYYY-MM-DD) of the week holding `instant` in `timeZone`. */
export function weekOf(instant: Date, timeZone: string): string {
  const local = Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);
  return local
    .toPlainDate()
    .subtract({ days: local.dayOfWeek - 1 })
    .toString();
}

/**
 * Weeks of `timeZone` that are closed and final by `finalUntil` (every rollup before it is
 * final), newest first, going back at most `lookbackWeeks`.
 */
export function closedWeeks(finalUntil: Date, timeZone: string, lookbackWeeks: number): string[] {
  const weeks: string[] = [];
  let monday = Temporal.PlainDate.from(weekOf(finalUntil, timeZone));
  for (let i = 0; i <= lookbackWeeks; i++) {
    if (weekPeriod(monday.toString(), timeZone).end <= finalUntil) weeks.push(monday.toString());
    monday = monday.subtract({ days: 7 });
  }
  return weeks.slice(0, lookbackWeeks);
}

export interface Aggregate {
  kind: "heat" | "category" | "after";
  slice: string;
  key: string;
  value: number;
  n: number;
}

/**
 * Per-person clamped contributions summed per cell, for the whole team and per time zone, in
 * one statement. Clamping happens per person before any sum, so the sensitivities in
 * noise.ts hold however much one device reports. A release calls it one person at a time
 * (`aggregatePerPerson`); release.test.ts checks the sums equal one call for the whole team.
 */
export async function aggregate(
  tx: DbOrTx,
  members: { p: string; z: string }[],
  period: { start: Date; end: Date },
  timeZone: string,
): Promise<Aggregate[]> {
  return rowsOf<Aggregate>(
    await tx.execute(sql`
      with m as (select * from json_to_recordset(${JSON.stringify(members)}::json) as x(p uuid, z text)),
      r as (
        select r.person_id, m.z, r.slot_start, r.category, r.seconds, r.after_hours
        from activity.rollups r join m on m.p = r.person_id
        where r.slot_start >= ${at(period.start)} and r.slot_start < ${at(period.end)} and r.seconds > 0),
      cell as (
        select person_id, z,
               extract(isodow from slot_start at time zone ${timeZone})::int as wd,
               extract(hour from slot_start at time zone ${timeZone})::int as h,
               least(sum(seconds), 3600) / 3600.0 as v
        from r group by 1, 2, 3, 4),
      heat as (
        select z, wd || ':' || h as key,
               v * least(1.0, ${HEAT_L2_BOUND}::float8 / sqrt(sum(v * v) over (partition by person_id))) as x
        from cell),
      per_category as (
        select person_id, z, split_part(category, ' > ', 1) as key, sum(seconds)::float8 as s from r group by 1, 2, 3),
      category as (
        select z, key, s / sum(s) over (partition by person_id) as x from per_category),
      after as (
        select z, '' as key, (sum(seconds) filter (where after_hours))::float8 / sum(seconds) as x
        from r group by person_id, z)
      select 'heat' as kind, case when grouping(z) = 1 then '' else z end as slice, key,
             sum(x)::float8 as value, count(*)::int as n
      from heat group by grouping sets ((key), (z, key))
      union all
      select 'category', case when grouping(z) = 1 then '' else z end, key, sum(x)::float8, count(*)::int
      from category group by grouping sets ((key), (z, key))
      union all
      select 'after', case when grouping(z) = 1 then '' else z end, key, coalesce(sum(x), 0)::float8, count(*)::int
      from after group by grouping sets ((key), (z, key))`),
  );
}

/** Runs `fn` in a transaction of its own. */
export type InTransaction = <R>(fn: (tx: DbOrTx) => Promise<R>) => Promise<R>;

/**
 * Releases one closed week of one team. Returns false when the week was already released
 * (releases are never redone). The membership is the team's active members now; a member whose
 * weekly privacy budget is spent is left out of this release.
 *
 * The figures are read first, a person at a time and outside the transaction: on the embedded
 * database a transaction holds the single engine from its first statement to its commit, and
 * the whole team's aggregate in one statement held it 50–190 ms on a small machine, stalling
 * every other request meanwhile. A final week's rollups never change, so the figures read
 * before are the figures of the release; the transaction then takes the lock, checks the week
 * is not released yet and the membership is still the one read for (otherwise it reads the
 * figures again, inside), records the budget and stores the release.
 */
export async function releaseTeamWeek(
  db: DbOrTx,
  transaction: InTransaction,
  team: TeamRef,
  week: string,
  opts: ReleaseOptions,
): Promise<boolean> {
  const period = weekPeriod(week, team.timeZone);
  const readFor = await eligibleMembers(db, team, week);
  const read = await aggregatePerPerson(db, readFor, period, team.timeZone);
  return transaction(async (tx) => {
    // One lock per week, not per team-week: a person in several teams has one budget for the
    // week, which two teams' releases running at once must not both spend.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`activity.release:${week}`}))`);
    const [existing] = await tx
      .select({ week: releases.week })
      .from(releases)
      .where(and(eq(releases.teamId, team.id), eq(releases.week, week)))
      .limit(1);
    if (existing) return false;
    const members = await eligibleMembers(tx, team, week);
    const rows = sameMembers(members, readFor) ? read : await aggregatePerPerson(tx, members, period, team.timeZone);
    if (members.length)
      await tx
        .insert(releaseBudget)
        .values(members.map((m) => ({ personId: m.p, week, teamId: team.id, rho: RHO_PER_RELEASE })));
    await store(tx, team, week, period, decideCells(rows, members, opts), opts);
    return true;
  });
}

/** The team's active members whose privacy budget for the week allows one more release. */
async function eligibleMembers(db: DbOrTx, team: TeamRef, week: string): Promise<{ p: string; z: string }[]> {
  const candidates = rowsOf<{ p: string; z: string; spent: number }>(
    await db.execute(sql`
      select tm.person_id as p, p.time_zone as z,
             coalesce((select sum(b.rho) from activity.release_budget b
                       where b.person_id = tm.person_id and b.week = ${week}::date), 0)::float8 as spent
      from team_members tm join people p on p.id = tm.person_id
      where tm.team_id = ${team.id}::uuid and p.status = 'active'
      order by tm.person_id`),
  );
  return candidates
    .filter((c) => Number(c.spent) + RHO_PER_RELEASE <= RHO_PER_PERSON_WEEK + 1e-9)
    .map(({ p, z }) => ({ p, z }));
}

function sameMembers(a: { p: string; z: string }[], b: { p: string; z: string }[]): boolean {
  return a.length === b.length && a.every((m, i) => m.p === b[i]?.p && m.z === b[i]?.z);
}

/**
 * `aggregate` one person per statement, summed: each person's contributions are clamped on
 * their own, so the sums (and the contributor counts) are those of the team in one statement.
 */
export async function aggregatePerPerson(
  db: DbOrTx,
  members: { p: string; z: string }[],
  period: { start: Date; end: Date },
  timeZone: string,
): Promise<Aggregate[]> {
  const sums = new Map<string, Aggregate>();
  for (const member of members) {
    for (const row of await aggregate(db, [member], period, timeZone)) {
      const id = `${row.kind}\u0000${row.slice}\u0000${row.key}`;
      const sum = sums.get(id);
      if (sum) {
        sum.value += Number(row.value);
        sum.n += Number(row.n);
      } else sums.set(id, { ...row, value: Number(row.value), n: Number(row.n) });
    }
  }
  return [...sums.values()];
}

async function store(
  tx: DbOrTx,
  team: TeamRef,
  week: string,
  period: { start: Date; end: Date },
  cells: ReturnType<typeof decideCells>,
  opts: ReleaseOptions,
): Promise<void> {
  const base = {
    teamId: team.id,
    week,
    periodStart: period.start,
    periodEnd: period.end,
    timeZone: team.timeZone,
    releasedAt: opts.now,
    k: opts.k,
  };
  await tx.insert(releases).values(cells.slices.map((s) => ({ ...base, ...s })));
  if (cells.values.length)
    await tx.insert(releaseCells).values(cells.values.map((c) => ({ teamId: team.id, week, ...c })));
}

interface SliceDecision {
  slice: string;
  members: number;
  shown: boolean;
  reason: string | null;
}

/**
 * Applies the k rule per slice and per cell, and adds the noise. A time-zone slice (and each
 * of its cells) is published only when it and the rest of the team each have either zero or
 * at least k contributors, so the team figure minus the slice never describes fewer than k.
 */
function decideCells(
  rows: Aggregate[],
  members: { p: string; z: string }[],
  opts: ReleaseOptions,
): {
  slices: SliceDecision[];
  values: { slice: string; kind: string; key: string; value: number; sigma: number }[];
} {
  const { k, noise } = opts;
  const countOf = (kind: string, slice: string, key: string): number =>
    rows.find((r) => r.kind === kind && r.slice === slice && r.key === key)?.n ?? 0;
  const contributors = (slice: string): number => countOf("after", slice, "");
  const team = contributors(WHOLE_TEAM);
  const zones = [...new Set(members.map((m) => m.z))].sort();
  const slices: SliceDecision[] = [
    {
      slice: WHOLE_TEAM,
      members: members.length,
      shown: team >= k,
      reason: team >= k ? null : `Fewer than ${k} people contributed activity in this week.`,
    },
  ];
  for (const zone of zones) {
    const n = contributors(zone);
    const rest = team - n;
    const reason =
      n < k
        ? `Fewer than ${k} people in this time zone contributed.`
        : rest > 0 && rest < k
          ? `Showing this slice would leave fewer than ${k} people in the rest of the team.`
          : null;
    slices.push({ slice: zone, members: members.filter((m) => m.z === zone).length, shown: !reason, reason });
  }
  const shown = new Set(slices.filter((s) => s.shown).map((s) => s.slice));
  const teamSigma = sigmasOf(RHO_PER_RELEASE * WHOLE_TEAM_SHARE);
  const sliceSigma = sigmasOf(RHO_PER_RELEASE * (1 - WHOLE_TEAM_SHARE));
  const values: { slice: string; kind: string; key: string; value: number; sigma: number }[] = [];
  for (const r of rows) {
    if (!shown.has(r.slice) || r.n < k) continue;
    if (r.slice !== WHOLE_TEAM) {
      const rest = countOf(r.kind, WHOLE_TEAM, r.key) - r.n;
      if (rest > 0 && rest < k) continue;
    }
    const sigma = r.slice === WHOLE_TEAM ? teamSigma : sliceSigma;
    const s = r.kind === "heat" ? sigma.heat : r.kind === "category" ? sigma.category : sigma.after;
    values.push({ slice: r.slice, kind: r.kind, key: r.key, value: Number(r.value) + s * noise(), sigma: s });
    if (r.kind === "after")
      values.push({
        slice: r.slice,
        kind: "people",
        key: "",
        value: r.n + sigma.people * noise(),
        sigma: sigma.people,
      });
  }
  return { slices, values };
}

/**
 * Releases every closed, final week not yet released, for every team, going back at most
 * `lookbackWeeks`. A week is final once the rollup job has rolled past its end (slots before
 * `rolled_until` never change again, and ingest refuses events older than 24 hours). Each
 * team-week is its own short transaction, its figures read before it.
 */
export async function releaseDueWeeks(
  db: DbOrTx,
  transaction: InTransaction,
  opts: ReleaseOptions & { lookbackWeeks: number },
): Promise<number> {
  const [state] = await db.select().from(rollupState);
  const finalUntil = state?.rolledUntil;
  if (!finalUntil) return 0;
  const teams = rowsOf<{ id: string; time_zone: string; released: string[] | null }>(
    await db.execute(sql`
      select t.id, t.time_zone,
             (select array_agg(distinct r.week::text) from activity.releases r where r.team_id = t.id) as released
      from teams t`),
  );
  let count = 0;
  for (const team of teams) {
    const done = new Set(team.released ?? []);
    for (const week of closedWeeks(finalUntil, team.time_zone, opts.lookbackWeeks).reverse()) {
      if (done.has(week)) continue;
      const ref = { id: team.id, timeZone: team.time_zone };
      if (await releaseTeamWeek(db, transaction, ref, week, opts)) count++;
    }
  }
  return count;
}
