import { and, desc, eq, inArray, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import { type DbOrTx, people } from "../../server/plugin-api.ts";
import { type CategoryGroup, categoryGroups } from "./classify.ts";
import { isInternal } from "./importer.ts";
import { orgDomains, rowsOf } from "./org.ts";
import { type PollTally, type Recommendation, recommend } from "./recommend.ts";
import { type Category, type MeetingSeries, meetingSeries, pollAnswers } from "./schema.ts";
import type { CalendarAuditSettings } from "./settings.ts";

export interface SeriesView {
  series: MeetingSeries;
  category: Category;
  group: CategoryGroup;
  internal: number;
  external: number;
  declined: number;
  /** Person-hours spent in the meeting per week (optional attendees at half, declined left out). */
  attendeeHoursPerWeek: number;
  costPerMonth: number;
  /** Context-switching cost: focus minutes lost per attendee per occurrence. */
  focusCostPerMonth: number;
  flags: string[];
  poll: PollTally;
  recommendation: Recommendation;
}

const weeksPerMonth = 52 / 12;

type RateBands = Pick<CalendarAuditSettings, "rateMember" | "rateManager" | "rateLeadership" | "rateExternal">;

export function hourlyRate(role: string | null, internal: boolean, s: RateBands): number {
  if (!internal) return s.rateExternal;
  if (role === "owner" || role === "admin") return s.rateLeadership;
  if (role === "manager") return s.rateManager;
  return s.rateMember;
}

/**
 * Everything the pages say about recurring series: attendance, cost, flags, classification and
 * recommendation. A fixed number of queries whatever the number of series (series, people,
 * poll tallies, next occurrences, back-to-back counts). `now` picks the next occurrence that
 * the working-hours flag looks at.
 */
/**
 * A series from someone's own calendar with no team (no other team member attends) is theirs
 * alone: no team view, report, CSV or admin listing shows it; `own` lets its owner see it.
 */
export function sharedOr(own: SQL): SQL {
  return or(isNull(meetingSeries.ownerId), isNotNull(meetingSeries.teamId), own) as SQL;
}

export async function seriesViews(
  db: DbOrTx,
  settings: CalendarAuditSettings,
  filter: {
    now: Date;
    teamIds?: string[];
    viewerId?: string;
    seriesId?: string;
    recurringOnly?: boolean;
    /** At most this many series, those with the most attendee-hours a week first. */
    limit?: number;
  },
): Promise<SeriesView[]> {
  const conditions = [];
  if (filter.recurringOnly ?? true) conditions.push(eq(meetingSeries.recurring, true));
  const own = filter.viewerId ? eq(meetingSeries.ownerId, filter.viewerId) : sql`false`;
  if (filter.teamIds)
    conditions.push(filter.teamIds.length ? or(inArray(meetingSeries.teamId, filter.teamIds), own) : own);
  // One series by id: the caller decides access (canSee); lists never show another's private series.
  if (!filter.seriesId) conditions.push(sharedOr(own));
  if (filter.seriesId) conditions.push(eq(meetingSeries.id, filter.seriesId));
  const query = db
    .select()
    .from(meetingSeries)
    .where(and(...conditions));
  // A page of the costliest series: ranked by the stored size (occurrences × minutes × invited),
  // so the analysis below runs for the series shown, not for the whole organization's.
  const list = filter.limit
    ? await query
        .orderBy(
          desc(sql`${meetingSeries.perWeek} * ${meetingSeries.durationMinutes} * ${meetingSeries.attendeeTotal}`),
          meetingSeries.summary,
        )
        .limit(filter.limit)
    : await query.orderBy(meetingSeries.summary);
  if (!list.length) return [];
  const domains = await orgDomains(db, settings);
  const emails = [...new Set(list.flatMap((s) => s.attendees.map((a) => a.email)))];
  const known = new Map<string, KnownPerson>();
  for (let i = 0; i < emails.length; i += 5000) {
    const found = await db
      .select({
        email: sql<string>`lower(${people.email})`,
        name: people.name,
        role: people.role,
        timeZone: people.timeZone,
        workingHours: people.workingHours,
      })
      .from(people)
      .where(inArray(sql`lower(${people.email})`, emails.slice(i, i + 5000)));
    for (const p of found) known.set(p.email, p);
  }
  const timing = await timeFacts(db, list, filter.now);
  const tallies = new Map<string, PollTally>();
  const ids = list.map((s) => s.id);
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .select({ seriesId: pollAnswers.seriesId, answer: pollAnswers.answer, n: sql<number>`count(*)::int` })
      .from(pollAnswers)
      .where(inArray(pollAnswers.seriesId, ids.slice(i, i + 5000)))
      .groupBy(pollAnswers.seriesId, pollAnswers.answer);
    for (const r of rows) {
      const t = tallies.get(r.seriesId) ?? { yes: 0, no: 0, unsure: 0 };
      t[r.answer] = Number(r.n);
      tallies.set(r.seriesId, t);
    }
  }
  return list.map((series) => {
    const category = (series.overrideCategory ?? series.category) as Category;
    let internal = 0;
    let external = 0;
    let declined = 0;
    let weightedPeople = 0;
    let weightedRate = 0;
    let focusRate = 0;
    for (const a of series.attendees) {
      if (a.partstat === "DECLINED") {
        declined++;
        continue;
      }
      const inside = isInternal(a.email, domains);
      if (inside) internal++;
      else external++;
      const weight = a.role === "OPT-PARTICIPANT" || a.role === "NON-PARTICIPANT" ? 0.5 : 1;
      const rate = hourlyRate(known.get(a.email)?.role ?? null, inside, settings);
      weightedPeople += weight;
      weightedRate += weight * rate;
      focusRate += weight * rate;
    }
    // People beyond the attendee cap are counted at the member rate.
    const unlisted = Math.max(0, series.attendeeTotal - series.attendees.length);
    weightedPeople += unlisted;
    weightedRate += unlisted * settings.rateMember;
    const hours = series.durationMinutes / 60;
    const attendeeHoursPerWeek = round(series.perWeek * hours * weightedPeople);
    const costPerMonth = Math.round(series.perWeek * weeksPerMonth * hours * weightedRate);
    const focusCostPerMonth = Math.round(series.perWeek * weeksPerMonth * (settings.focusMinutes / 60) * focusRate);
    const peopleCount = internal + external + unlisted;
    const flags: string[] = [];
    if (peopleCount > 7) flags.push(`${peopleCount} attendees`);
    if (series.durationMinutes > 60) flags.push(`${series.durationMinutes} min`);
    if (series.recurring && !series.hasEnd) flags.push("no end date");
    const next = timing.next.get(series.id);
    if (next && !series.allDay) {
      const outside = series.attendees
        .filter((a) => a.partstat !== "DECLINED")
        .map((a) => known.get(a.email))
        .filter((p): p is KnownPerson => !!p && !withinWorkingHours(next.start, next.end, p.timeZone, p.workingHours))
        .sort((a, b) => a.name.localeCompare(b.name));
      if (outside.length) {
        const names =
          outside.length > 3
            ? [...outside.slice(0, 2).map((p) => p.name), `${outside.length - 2} more`]
            : outside.map((p) => p.name);
        flags.push(`outside working hours for ${names.join(", ")}`);
      }
    }
    const adjacent = timing.backToBack.get(series.id) ?? 0;
    if (adjacent > 0) flags.push(`back-to-back with another meeting ${adjacent === 1 ? "once" : `${adjacent} times`}`);
    const poll = tallies.get(series.id) ?? { yes: 0, no: 0, unsure: 0 };
    const invited = series.attendees.length;
    return {
      series,
      category,
      group: categoryGroups[category],
      internal,
      external,
      declined,
      attendeeHoursPerWeek,
      costPerMonth,
      focusCostPerMonth,
      flags,
      poll,
      recommendation: recommend(category, poll, invited ? declined / invited : 0),
    };
  });
}

export type { CategoryGroup };

interface KnownPerson {
  email: string;
  name: string;
  role: string;
  timeZone: string;
  workingHours: WorkingHours;
}

/**
 * What the time flags need, for every listed series at once: the next occurrence from `now`,
 * and how many of its occurrences start as another meeting of a shared attendee ends (or end as
 * one starts). Attendees are matched by email, declined ones included (they are still invited).
 */
async function timeFacts(
  db: DbOrTx,
  list: MeetingSeries[],
  now: Date,
): Promise<{ next: Map<string, { start: Date; end: Date }>; backToBack: Map<string, number> }> {
  const next = new Map<string, { start: Date; end: Date }>();
  const backToBack = new Map<string, number>();
  for (let i = 0; i < list.length; i += 5000) {
    // A uuid[] literal: the planner estimates `= any(array)` well (a set-returning function
    // reads as 100 rows, and the misestimate tips the query into JIT compilation).
    const ids = `{${list
      .slice(i, i + 5000)
      .map((s) => s.id)
      .join(",")}}`;
    const upcoming = rowsOf<{ series_id: string; start: string | Date; end: string | Date }>(
      // One index probe per series on the (series_id, start) key, not a sort of every future occurrence.
      await db.execute(sql`
        select s.id as series_id, o.start, o."end"
        from unnest(${ids}::uuid[]) as s(id)
        cross join lateral (
          select o.start, o."end" from calendar_audit.occurrences o
          where o.series_id = s.id and o.start >= ${now.toISOString()}::timestamptz
          order by o.start limit 1
        ) o`),
    );
    for (const r of upcoming) next.set(r.series_id, { start: new Date(r.start), end: new Date(r.end) });
    // Timestamp equality joins defeat the planner's row estimates (millions for thousands), and
    // the inflated cost makes Postgres JIT-compile a query that runs in tens of milliseconds:
    // compilation alone took several times the run time, so it is turned off for this query.
    const adjacent = await db.transaction(async (tx) => {
      await tx.execute(sql`set local jit = off`);
      return rowsOf<{ series_id: string; n: number }>(
        await tx.execute(sql`
        with mine as (
          select o.series_id, o.start, o."end"
          from calendar_audit.occurrences o
          where o.series_id = any(${ids}::uuid[])
        ),
        touching as (
          select m.series_id, m.start, o2.series_id as other
          from mine m join calendar_audit.occurrences o2 on o2."end" = m.start and o2.series_id <> m.series_id
          union all
          select m.series_id, m.start, o2.series_id as other
          from mine m join calendar_audit.occurrences o2 on o2.start = m."end" and o2.series_id <> m.series_id
        ),
        pairs as (select distinct series_id, other from touching),
        -- Each involved series' attendee emails, so that "shares an attendee" is a hash join
        -- asked once per pair of series, not a JSON containment test per pair of occurrences.
        att as (
          select s.id, a->>'email' as email
          from calendar_audit.series s cross join jsonb_array_elements(s.attendees) a
          where s.id in (select series_id from pairs union select other from pairs)
        ),
        shared as (
          select distinct p.series_id, p.other
          from pairs p
          join att a1 on a1.id = p.series_id
          join att a2 on a2.id = p.other and a2.email = a1.email
        )
        select t.series_id, count(distinct t.start)::int as n
        from touching t
        join shared using (series_id, other)
        group by t.series_id`),
      );
    });
    for (const r of adjacent) backToBack.set(r.series_id, Number(r.n));
  }
  return { next, backToBack };
}

const weekdayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

type WorkingHours = Partial<Record<(typeof weekdayKeys)[number], [string, string][]>>;

export function withinWorkingHours(start: Date, end: Date, timeZone: string, hours: WorkingHours): boolean {
  const s = Temporal.Instant.fromEpochMilliseconds(start.getTime()).toZonedDateTimeISO(timeZone);
  const e = Temporal.Instant.fromEpochMilliseconds(end.getTime()).toZonedDateTimeISO(timeZone);
  const open = hours[weekdayKeys[s.dayOfWeek - 1] as (typeof weekdayKeys)[number]] ?? [];
  const from = s.toPlainTime().toString().slice(0, 5);
  const to = e.toPlainDate().equals(s.toPlainDate()) ? e.toPlainTime().toString().slice(0, 5) : "24:00";
  return open.some(([a, b]) => a <= from && to <= b);
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
