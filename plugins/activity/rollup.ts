import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import { OTHER } from "./categories.ts";
import { rollupState } from "./schema.ts";
import { at, rowsOf, slotOf } from "./sql.ts";

/** Raw events are kept at most this long. */
export const RAW_RETENTION_MS = 24 * 3_600_000;

/** aw-core's default flood pulsetime: gaps up to this long between events are filled. */
const FLOOD = sql.raw(`interval '5 seconds'`);

/** A fixed origin for `date_bin` (a bare '2000-01-01' would be read in the session's zone). */
const ORIGIN = sql.raw(`timestamptz '2000-01-01T00:00:00Z'`);

/**
 * Whether the instant `slot` lies outside the working hours `hours` (a `people.working_hours`
 * value: local "HH:MM" intervals per weekday) read in the time zone `zone`. No hours that day
 * means the whole day is outside them.
 */
export function outsideWorkingHours(slot: SQL, zone: SQL, hours: SQL): SQL {
  return sql`not exists (
    select 1
    from jsonb_array_elements(coalesce(${hours} -> (array['mon','tue','wed','thu','fri','sat','sun'])[extract(isodow from ${slot} at time zone ${zone})::int], '[]'::jsonb)) iv
    where to_char(${slot} at time zone ${zone}, 'HH24:MI') >= iv->>0 and to_char(${slot} at time zone ${zone}, 'HH24:MI') < iv->>1)`;
}

/**
 * Sets `after_hours` on the rollups from `from` on, from each person's working hours and zone.
 * For writers that insert rollups in bulk (demo data); the rollup job sets it as it inserts.
 */
export async function markAfterHours(db: DbOrTx, from: Date, to?: Date): Promise<void> {
  await db.execute(sql`
    update activity.rollups r
    set after_hours = ${outsideWorkingHours(sql`r.slot_start`, sql`p.time_zone`, sql`p.working_hours`)}
    from people p
    where p.id = r.person_id and r.slot_start >= ${at(from)}${to ? sql` and r.slot_start < ${at(to)}` : sql``}`);
}

/**
 * Rebuilds `rollup_hours` from `rollups` for every hour from the one holding `from` on (up to
 * the hour holding `to`, exclusive, when given: `to` should be on an hour boundary).
 */
export async function refreshHours(db: DbOrTx, from: Date, to?: Date): Promise<void> {
  const hour = sql`date_bin('1 hour', ${at(from)}, ${ORIGIN})`;
  const until = to ? sql` and hour_start < ${at(to)}` : sql``;
  await db.execute(sql`delete from activity.rollup_hours where hour_start >= ${hour}${until}`);
  await db.execute(sql`
    insert into activity.rollup_hours (person_id, hour_start, category, seconds, after_hours_seconds)
    select person_id, date_bin('1 hour', slot_start, ${ORIGIN}), category, sum(seconds)::int,
           coalesce(sum(seconds) filter (where after_hours), 0)::int
    from activity.rollups
    where slot_start >= ${hour}${to ? sql` and slot_start < ${at(to)}` : sql``}
    group by 1, 2, 3`);
}

const monthStart = (year: number, month: number): Date => new Date(Date.UTC(year, month, 1));

/**
 * Creates the monthly partitions of `activity.rollups` covering [from, to] (idempotent). Every
 * writer of rollups calls it first: the table has no default partition, so a row outside
 * every partition fails loudly instead of piling up somewhere retention cannot drop it.
 */
export async function ensurePartitions(db: DbOrTx, from: Date, to: Date): Promise<void> {
  let y = from.getUTCFullYear();
  let m = from.getUTCMonth();
  const last = to.getUTCFullYear() * 12 + to.getUTCMonth();
  while (y * 12 + m <= last) {
    const lo = monthStart(y, m);
    const hi = monthStart(y, m + 1);
    const name = `rollups_${y}_${String(m + 1).padStart(2, "0")}`;
    await db.execute(
      sql.raw(
        `create table if not exists activity.${name} partition of activity.rollups for values from ('${lo.toISOString()}') to ('${hi.toISOString()}')`,
      ),
    );
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
  }
}

/**
 * Folds raw events into 15-minute per-person category totals, then deletes raw events that
 * ended before the 24-hour horizon.
 *
 * Slots from `rolled_until` on are recomputed from scratch: every raw event touching them is
 * still there (deletion only removes events that ended before `rolled_until`, and ingest
 * refuses events older than 24 hours), so a re-run, a heartbeat that extended an event, or a
 * relay draining its queue late all land exactly once. Slots before it are final.
 *
 * Active time is ActivityWatch's canonical "window ∩ not-afk", per device: each bucket's
 * events are flooded (gaps ≤ 5 s filled, as aw-core's `flood`), then an app event counts only
 * inside the same device's "not-afk" periods (or, for a device that sends no presence events,
 * outside its "afk" periods). Another device being idle never erases active time. A person's
 * slot never counts more than 15 minutes, however many devices report.
 */
export async function rollUp(db: DbOrTx, now: Date): Promise<{ slots: number; deleted: number }> {
  const [state] = await db.select().from(rollupState);
  const horizon = slotOf(new Date(now.getTime() - RAW_RETENTION_MS));
  const from = state?.rolledUntil ?? horizon;
  const until = horizon > from ? horizon : from;
  await ensurePartitions(db, from, new Date(now.getTime() + 31 * 86_400_000));
  await db.execute(sql`delete from activity.rollups where slot_start >= ${at(from)}`);
  const inserted = await db.execute(sql`
    with ev as (
      select device_id, coalesce(bucket_id, '') as bucket, person_id, start_at as s,
             start_at + duration_s * interval '1 second' as e,
             coalesce(category, ${OTHER}) as category, afk,
             (app is not null or category is not null) as is_work
      from activity.events
      where start_at + duration_s * interval '1 second' > ${at(from)} - ${FLOOD}
    ),
    -- aw-core's flood: a gap of at most 5 s between consecutive events of one bucket is given
    -- to the longer neighbour, as ActivityWatch's canonical query does before intersecting.
    neighbours as (
      select ev.*,
             lag(e) over w as prev_e, lag(e - s) over w as prev_d,
             lead(s) over w as next_s, lead(e - s) over w as next_d
      from ev window w as (partition by device_id, bucket, is_work order by s)
    ),
    flooded as (
      select device_id, person_id, category, afk, is_work,
             case when s - prev_e > interval '0' and s - prev_e <= ${FLOOD} and prev_d < e - s then prev_e else s end as s,
             case when next_s - e > interval '0' and next_s - e <= ${FLOOD} and e - s >= next_d then next_s else e end as e
      from neighbours
    ),
    -- AFK is per device, as in ActivityWatch: a device with an AFK watcher counts its window
    -- time inside its own "not-afk" periods; a device without one loses only its "afk" periods.
    presence as (
      select device_id, s, e, afk from flooded where not is_work or afk
    ),
    watched as (
      select distinct device_id from presence where not afk
    ),
    sliced as (
      select w.device_id, w.person_id, w.category, g.slot,
             greatest(w.s, g.slot) as s, least(w.e, g.slot + interval '15 minutes') as e,
             exists (select 1 from watched d where d.device_id = w.device_id) as watched
      from flooded w
      cross join lateral generate_series(
        date_bin('15 minutes', greatest(w.s, ${at(from)}), ${ORIGIN}),
        w.e - interval '1 microsecond', interval '15 minutes') as g(slot)
      where w.is_work and not w.afk and w.e > w.s and w.e > ${at(from)}
    ),
    active as (
      select s.person_id, s.category, s.slot,
             case when s.watched then coalesce((
               select sum(extract(epoch from (least(s.e, a.e) - greatest(s.s, a.s))))
               from presence a
               where not a.afk and a.device_id = s.device_id and a.s < s.e and a.e > s.s), 0)
             else greatest(0, extract(epoch from (s.e - s.s)) - coalesce((
               select sum(extract(epoch from (least(s.e, a.e) - greatest(s.s, a.s))))
               from presence a
               where a.afk and a.device_id = s.device_id and a.s < s.e and a.e > s.s), 0))
             end as secs
      from sliced s
      where s.e > s.s
    ),
    per_category as (
      select person_id, slot, category, sum(secs) as secs from active group by 1, 2, 3
    ),
    capped as (
      select person_id, slot, category,
             round(secs * least(1, 900 / nullif(sum(secs) over (partition by person_id, slot), 0)))::int as secs
      from per_category
    ),
    stored as (
      insert into activity.rollups (person_id, slot_start, category, seconds, after_hours)
      select c.person_id, c.slot, c.category, c.secs,
             ${outsideWorkingHours(sql`c.slot`, sql`p.time_zone`, sql`p.working_hours`)}
      from capped c join people p on p.id = c.person_id
      where c.secs > 0
      returning 1
    )
    select count(*)::int as n from stored`);
  await refreshHours(db, from);
  const deleted = await db.execute(sql`
    with gone as (
      delete from activity.events where start_at + duration_s * interval '1 second' <= ${at(until)} returning 1
    )
    select count(*)::int as n from gone`);
  await db
    .insert(rollupState)
    .values({ id: 1, rolledUntil: until })
    .onConflictDoUpdate({ target: rollupState.id, set: { rolledUntil: until } });
  return { slots: rowsOf<{ n: number }>(inserted)[0]?.n ?? 0, deleted: rowsOf<{ n: number }>(deleted)[0]?.n ?? 0 };
}

/**
 * Drops rollups older than the retention: whole monthly partitions when they are entirely
 * past it, row deletes in the partition that straddles the cut-off.
 */
export async function pruneRollups(db: DbOrTx, now: Date, retentionDays: number): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const partitions = rowsOf<{ name: string }>(
    await db.execute(sql`
      select c.relname as name
      from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent
      join pg_namespace n on n.oid = p.relnamespace
      where n.nspname = 'activity' and p.relname = 'rollups'`),
  );
  for (const part of partitions) {
    const month = /^rollups_(\d{4})_(\d{2})$/.exec(part.name);
    if (month && monthStart(Number(month[1]), Number(month[2])) <= cutoff) {
      await db.execute(sql.raw(`drop table activity.${part.name}`));
    }
  }
  const removed = await db.execute(sql`
    with gone as (delete from activity.rollups where slot_start < ${at(cutoff)} returning 1)
    select count(*)::int as n from gone`);
  // The hour holding the cut-off is rebuilt from what is left of it.
  const hour = sql`date_bin('1 hour', ${at(cutoff)}, ${ORIGIN})`;
  await db.execute(sql`delete from activity.rollup_hours where hour_start < ${hour} + interval '1 hour'`);
  await db.execute(sql`
    insert into activity.rollup_hours (person_id, hour_start, category, seconds, after_hours_seconds)
    select person_id, ${hour}, category, sum(seconds)::int, coalesce(sum(seconds) filter (where after_hours), 0)::int
    from activity.rollups
    where slot_start >= ${hour} and slot_start < ${hour} + interval '1 hour'
    group by 1, 3`);
  return rowsOf<{ n: number }>(removed)[0]?.n ?? 0;
}
