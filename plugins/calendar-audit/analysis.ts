import { and, eq, inArray, sql } from "drizzle-orm";
import { type DbOrTx, people } from "../../server/plugin-api.ts";
import { type CategoryGroup, categoryGroups } from "./classify.ts";
import { isInternal } from "./importer.ts";
import { orgDomains, rowsOf } from "./org.ts";
import { type PollTally, type Recommendation, recommend } from "./recommend.ts";
import { type Category, type MeetingSeries, meetingOccurrences, meetingSeries, pollAnswers } from "./schema.ts";
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
 * recommendation. Three queries whatever the number of series (series, people, poll tallies).
 */
export async function seriesViews(
  db: DbOrTx,
  settings: CalendarAuditSettings,
  filter: { teamIds?: string[]; seriesId?: string; recurringOnly?: boolean } = {},
): Promise<SeriesView[]> {
  const conditions = [];
  if (filter.recurringOnly ?? true) conditions.push(eq(meetingSeries.recurring, true));
  if (filter.teamIds)
    conditions.push(filter.teamIds.length ? inArray(meetingSeries.teamId, filter.teamIds) : sql`false`);
  if (filter.seriesId) conditions.push(eq(meetingSeries.id, filter.seriesId));
  const list = await db
    .select()
    .from(meetingSeries)
    .where(and(...conditions))
    .orderBy(meetingSeries.summary);
  if (!list.length) return [];
  const domains = await orgDomains(db, settings);
  const emails = [...new Set(list.flatMap((s) => s.attendees.map((a) => a.email)))];
  const roles = new Map<string, string>();
  for (let i = 0; i < emails.length; i += 5000) {
    const found = await db
      .select({ email: sql<string>`lower(${people.email})`, role: people.role })
      .from(people)
      .where(inArray(sql`lower(${people.email})`, emails.slice(i, i + 5000)));
    for (const p of found) roles.set(p.email, p.role);
  }
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
      const rate = hourlyRate(roles.get(a.email) ?? null, inside, settings);
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

/**
 * Flags that need other data: attendees whose working hours the next occurrence falls outside
 * (in their own zone), and occurrences that start as another meeting of a shared attendee ends.
 */
export async function seriesTimeFlags(db: DbOrTx, series: MeetingSeries, now: Date): Promise<string[]> {
  const flags: string[] = [];
  const [next] = await db
    .select({ start: meetingOccurrences.start, end: meetingOccurrences.end })
    .from(meetingOccurrences)
    .where(
      and(
        eq(meetingOccurrences.seriesId, series.id),
        sql`${meetingOccurrences.start} >= ${now.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(meetingOccurrences.start)
    .limit(1);
  const emails = series.attendees.filter((a) => a.partstat !== "DECLINED").map((a) => a.email);
  if (next && emails.length && !series.allDay) {
    const found = await db
      .select({ name: people.name, timeZone: people.timeZone, workingHours: people.workingHours })
      .from(people)
      .where(inArray(sql`lower(${people.email})`, emails));
    const outside = found.filter((p) => !withinWorkingHours(next.start, next.end, p.timeZone, p.workingHours));
    if (outside.length) {
      flags.push(`outside working hours for ${outside.map((p) => p.name).join(", ")}`);
    }
  }
  const adjacent = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(distinct o.start)::int as n
      from calendar_audit.occurrences o
      join calendar_audit.occurrences o2 on o2.series_id <> o.series_id and (o2."end" = o.start or o2.start = o."end")
      join calendar_audit.series s2 on s2.id = o2.series_id
      where o.series_id = ${series.id}
        and exists (
          select 1 from jsonb_array_elements(${JSON.stringify(series.attendees.map((a) => ({ email: a.email })))}::jsonb) a
          where s2.attendees @> jsonb_build_array(a)
        )`),
  );
  const n = Number(adjacent[0]?.n ?? 0);
  if (n > 0) flags.push(`back-to-back with another meeting ${n === 1 ? "once" : `${n} times`}`);
  return flags;
}

const weekdayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

export function withinWorkingHours(
  start: Date,
  end: Date,
  timeZone: string,
  hours: Partial<Record<(typeof weekdayKeys)[number], [string, string][]>>,
): boolean {
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
