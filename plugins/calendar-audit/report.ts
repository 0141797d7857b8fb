import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { type DbOrTx, teamMembers } from "../../server/plugin-api.ts";
import { type SeriesView, sharedOr } from "./analysis.ts";
import { meetingOccurrences, meetingSeries } from "./schema.ts";

export interface WeekHours {
  week: string;
  total: number;
  recurring: number;
}

export interface TeamReport {
  headcount: number;
  weeks: WeekHours[];
  hoursPerPersonPerWeek: number;
  recurringShare: number;
  costPerMonth: number;
  focusCostPerMonth: number;
  recurringSeries: number;
  killOrConvert: number;
  killOrConvertShare: number;
  heaviest: SeriesView[];
}

const weekMs = 7 * 86_400_000;

/**
 * Attendee-hours per ISO week in [from, to) for the given teams (null: the whole org), split
 * into recurring and one-off, aggregated in the database. Personal blocks and all-day entries
 * are not meetings and are left out.
 */
export async function meetingHoursByWeek(
  db: DbOrTx,
  teamIds: string[] | null,
  from: Date,
  to: Date,
): Promise<WeekHours[]> {
  const hours = sql<number>`sum(extract(epoch from (${meetingOccurrences.end} - ${meetingOccurrences.start})) / 3600 * (${meetingOccurrences.required} + ${meetingOccurrences.optional} * 0.5))`;
  const week = sql<string>`to_char(date_trunc('week', ${meetingOccurrences.start} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const rows = await db
    .select({
      week,
      total: sql<number>`coalesce(${hours}, 0)::float8`,
      recurring: sql<number>`coalesce(sum(case when ${meetingSeries.recurring} then extract(epoch from (${meetingOccurrences.end} - ${meetingOccurrences.start})) / 3600 * (${meetingOccurrences.required} + ${meetingOccurrences.optional} * 0.5) else 0 end), 0)::float8`,
    })
    .from(meetingOccurrences)
    .innerJoin(meetingSeries, eq(meetingSeries.id, meetingOccurrences.seriesId))
    .where(
      and(
        gte(meetingOccurrences.start, from),
        lt(meetingOccurrences.start, to),
        eq(meetingOccurrences.allDay, false),
        sql`coalesce(${meetingSeries.overrideCategory}, ${meetingSeries.category}) <> 'not-a-meeting'`,
        teamIds ? (teamIds.length ? inArray(meetingSeries.teamId, teamIds) : sql`false`) : undefined,
        sharedOr(sql`false`),
      ),
    )
    .groupBy(week)
    .orderBy(week);
  return rows.map((r) => ({ week: r.week, total: round(Number(r.total)), recurring: round(Number(r.recurring)) }));
}

export async function headcount(db: DbOrTx, teamIds: string[] | null): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${teamMembers.personId})::int` })
    .from(teamMembers)
    .where(teamIds ? (teamIds.length ? inArray(teamMembers.teamId, teamIds) : sql`false`) : undefined);
  return Number(row?.n ?? 0);
}

/** The audit of the last eight weeks for some teams (or the org), from stored occurrences and series views. */
export async function teamReport(
  db: DbOrTx,
  teamIds: string[] | null,
  views: SeriesView[],
  now: Date,
): Promise<TeamReport> {
  const from = new Date(now.getTime() - 8 * weekMs);
  const weeks = await meetingHoursByWeek(db, teamIds, from, now);
  const people = Math.max(1, await headcount(db, teamIds));
  const total = weeks.reduce((a, w) => a + w.total, 0);
  const recurring = weeks.reduce((a, w) => a + w.recurring, 0);
  const meetings = views.filter((v) => v.group !== "not a meeting" && v.series.outcome === "active");
  const killOrConvert = meetings.filter((v) => v.recommendation.action !== "keep").length;
  return {
    headcount: people,
    weeks,
    hoursPerPersonPerWeek: round(total / 8 / people),
    recurringShare: total ? recurring / total : 0,
    costPerMonth: meetings.reduce((a, v) => a + v.costPerMonth, 0),
    focusCostPerMonth: meetings.reduce((a, v) => a + v.focusCostPerMonth, 0),
    recurringSeries: meetings.length,
    killOrConvert,
    killOrConvertShare: meetings.length ? killOrConvert / meetings.length : 0,
    heaviest: [...meetings].sort((a, b) => b.attendeeHoursPerWeek - a.attendeeHoursPerWeek).slice(0, 10),
  };
}

/** Attendee-hours per week of one series in the four weeks before and after a date. */
export async function beforeAfter(
  db: DbOrTx,
  seriesIds: string[],
  on: Date,
): Promise<{ before: number; after: number }> {
  if (!seriesIds.length) return { before: 0, after: 0 };
  const span = 4 * weekMs;
  const hours = (from: Date, to: Date) =>
    db
      .select({
        h: sql<number>`coalesce(sum(extract(epoch from (${meetingOccurrences.end} - ${meetingOccurrences.start})) / 3600 * (${meetingOccurrences.required} + ${meetingOccurrences.optional} * 0.5)), 0)::float8`,
      })
      .from(meetingOccurrences)
      .where(
        and(
          inArray(meetingOccurrences.seriesId, seriesIds),
          gte(meetingOccurrences.start, from),
          lt(meetingOccurrences.start, to),
        ),
      );
  const [b] = await hours(new Date(on.getTime() - span), on);
  const [a] = await hours(on, new Date(on.getTime() + span));
  return { before: round(Number(b?.h ?? 0) / 4), after: round(Number(a?.h ?? 0) / 4) };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** A CSV cell: quoted, quotes doubled, and formula triggers defused for spreadsheets. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}
