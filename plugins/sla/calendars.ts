import { and, asc, eq, inArray } from "drizzle-orm";
import {
  type BusinessCalendar,
  type BusinessCalendarProvider,
  type Db,
  type DbOrTx,
  teamHolidays,
  teams,
} from "../../server/plugin-api.ts";
import {
  alwaysOpen,
  type CalendarSpec,
  type CompiledCalendar,
  compileCalendar,
  isTimeZone,
  parseClock,
  type WeeklyHours,
} from "./business-time.ts";
import { calendars, holidays, type TargetBasis } from "./schema.ts";

export const weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

const officeHours: [string, string][] = [["09:00", "17:00"]];
export const defaultWeek: WeeklyHours = {
  1: officeHours,
  2: officeHours,
  3: officeHours,
  4: officeHours,
  5: officeHours,
};

export type ParsedWeek = { ok: true; open: WeeklyHours } | { ok: false; errors: Record<string, string> };

/**
 * Parses one text field per ISO weekday ("09:00-12:30, 13:30-17:30"; blank = closed) into open
 * intervals. Inverted, empty, overlapping or malformed intervals are errors keyed by field.
 */
export function parseWeek(fields: Record<number, string>): ParsedWeek {
  const open: WeeklyHours = {};
  const errors: Record<string, string> = {};
  for (let day = 1; day <= 7; day++) {
    const name = weekdayNames[day - 1] as string;
    const raw = (fields[day] ?? "").trim();
    if (!raw) continue;
    const intervals: [number, number, string, string][] = [];
    for (const part of raw.split(",")) {
      const m = /^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/.exec(part);
      const from = m ? (m[1] as string).padStart(5, "0") : "";
      const to = m ? (m[2] as string).padStart(5, "0") : "";
      const s = parseClock(from);
      const e = parseClock(to);
      if (s === null || e === null) {
        errors[`day${day}`] = `${name}: write intervals like 09:00-12:30, 13:30-17:30 (times 00:00 to 24:00).`;
        break;
      }
      if (e <= s) {
        errors[`day${day}`] = `${name}: ${from}-${to} ends before it starts.`;
        break;
      }
      intervals.push([s, e, from, to]);
    }
    if (errors[`day${day}`]) continue;
    intervals.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < intervals.length; i++) {
      const prev = intervals[i - 1] as [number, number, string, string];
      const cur = intervals[i] as [number, number, string, string];
      if (cur[0] < prev[1]) {
        errors[`day${day}`] = `${name}: ${prev[2]}-${prev[3]} and ${cur[2]}-${cur[3]} overlap.`;
        break;
      }
    }
    if (errors[`day${day}`]) continue;
    open[day] = intervals.map(([, , from, to]) => [from, to]);
  }
  if (!Object.keys(errors).length && !Object.values(open).some((d) => d?.length))
    errors.day1 = "Open the calendar at least one day a week.";
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, open };
}

/** "09:00-12:30, 13:30-17:30" for a form field. */
export function formatDay(intervals: [string, string][] | undefined): string {
  return (intervals ?? []).map(([a, b]) => `${a}-${b}`).join(", ");
}

/** The business calendars of several teams in three queries: zone, open hours, core and SLA holidays. */
export async function calendarSpecs(db: DbOrTx, teamIds: string[]): Promise<Map<string, CalendarSpec>> {
  const ids = [...new Set(teamIds)];
  const specs = new Map<string, CalendarSpec>();
  if (!ids.length) return specs;
  const rows = await db
    .select({ id: teams.id, teamZone: teams.timeZone, zone: calendars.timeZone, open: calendars.open })
    .from(teams)
    .leftJoin(calendars, eq(calendars.teamId, teams.id))
    .where(inArray(teams.id, ids));
  for (const r of rows) {
    specs.set(r.id, {
      timeZone: r.zone ?? r.teamZone,
      open: (r.open as WeeklyHours | null) ?? defaultWeek,
      holidays: [],
    });
  }
  const closed = [
    ...(await db
      .select({ teamId: teamHolidays.teamId, day: teamHolidays.day })
      .from(teamHolidays)
      .where(inArray(teamHolidays.teamId, ids))),
    ...(await db
      .select({ teamId: holidays.teamId, day: holidays.day })
      .from(holidays)
      .where(inArray(holidays.teamId, ids))),
  ];
  for (const h of closed) specs.get(h.teamId)?.holidays.push(h.day);
  return specs;
}

export async function calendarSpec(db: DbOrTx, teamId: string): Promise<CalendarSpec | null> {
  return (await calendarSpecs(db, [teamId])).get(teamId) ?? null;
}

const compiled = new Map<string, CompiledCalendar>();

/**
 * The compiled calendar for a spec, shared across requests and jobs (its per-block caches are what
 * make evaluation fast). Keyed by content, so an edited calendar compiles afresh.
 */
export function compiledCalendar(spec: CalendarSpec): CompiledCalendar {
  const key = JSON.stringify(spec);
  let cal = compiled.get(key);
  if (!cal) {
    if (compiled.size > 500) compiled.clear();
    cal = compileCalendar(spec);
    compiled.set(key, cal);
  }
  return cal;
}

/** The calendar a clock runs on: the team's business calendar, or the wall clock for calendar-hour targets. */
export function calendarForBasis(basis: TargetBasis, spec: CalendarSpec | undefined): CompiledCalendar {
  return basis === "calendar" || !spec ? alwaysOpen : compiledCalendar(spec);
}

export async function saveCalendar(
  db: DbOrTx,
  input: { teamId: string; timeZone: string; open: WeeklyHours; at: Date },
): Promise<void> {
  if (!isTimeZone(input.timeZone)) throw new RangeError("unknown time zone");
  const open = Object.fromEntries(Object.entries(input.open)) as Record<string, [string, string][]>;
  await db
    .insert(calendars)
    .values({ teamId: input.teamId, timeZone: input.timeZone, open, updatedAt: input.at })
    .onConflictDoUpdate({ target: calendars.teamId, set: { timeZone: input.timeZone, open, updatedAt: input.at } });
}

export interface HolidayRow {
  id: string;
  day: string;
  name: string;
  source: "team" | "sla";
}

/** Holidays from today on: the team's (core) and the SLA calendar's own. */
export async function holidaysOf(db: DbOrTx, teamId: string): Promise<HolidayRow[]> {
  const core = await db
    .select({ id: teamHolidays.id, day: teamHolidays.day, name: teamHolidays.name })
    .from(teamHolidays)
    .where(eq(teamHolidays.teamId, teamId));
  const own = await db
    .select({ id: holidays.id, day: holidays.day, name: holidays.name })
    .from(holidays)
    .where(eq(holidays.teamId, teamId))
    .orderBy(asc(holidays.day));
  return [
    ...core.map((h) => ({ ...h, source: "team" as const })),
    ...own.map((h) => ({ ...h, source: "sla" as const })),
  ].sort((a, b) => a.day.localeCompare(b.day));
}

/** Adds an SLA holiday; false when the day is already closed for this team. */
export async function addHoliday(db: DbOrTx, input: { teamId: string; day: string; name: string }): Promise<boolean> {
  const inserted = await db.insert(holidays).values(input).onConflictDoNothing().returning({ id: holidays.id });
  return inserted.length > 0;
}

export async function deleteHoliday(db: DbOrTx, teamId: string, id: string): Promise<boolean> {
  const removed = await db
    .delete(holidays)
    .where(and(eq(holidays.teamId, teamId), eq(holidays.id, id)))
    .returning({ id: holidays.id });
  return removed.length > 0;
}

/** The `calendar.business` hook other plugins call through `s.calendar.forTeam`. */
export function businessCalendarProvider(db: () => Db): BusinessCalendarProvider {
  return {
    async forTeam(teamId: string): Promise<BusinessCalendar | null> {
      const spec = await calendarSpec(db(), teamId);
      if (!spec) return null;
      const open: Record<number, [string, string][]> = {};
      for (const [day, intervals] of Object.entries(spec.open)) if (intervals?.length) open[Number(day)] = intervals;
      return { timeZone: spec.timeZone, open, holidays: [...new Set(spec.holidays)].sort() };
    },
  };
}
