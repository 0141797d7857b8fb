import ICAL from "ical.js";
import { RRuleTemporal } from "rrule-temporal";
import { type WallTime, wallMs, type ZonedTime } from "./event-reader.ts";

/** One RRULE of an event: ical.js's parse when it could read it, and its text. */
export interface RecurrenceRule {
  recur: ICAL.Recur | null;
  text: string;
}

export interface RuleLimits {
  /** Wall-clock epoch ms (the wall time read as if UTC) past which no instance is wanted. */
  untilWallMs: number;
  /** Wall-clock epoch ms before which instances are not wanted (sub-daily rules start there). */
  fromWallMs: number;
  maxIterations: number;
}

export interface RuleInstances {
  /** Wall times in the zone of DTSTART, in order. */
  starts: WallTime[];
  /** True when `maxIterations` cut the rule. */
  cut: boolean;
}

const subDaily: Record<string, number> = { SECONDLY: 1, MINUTELY: 60, HOURLY: 3600 };

/**
 * Rules ical.js's iterator gets wrong (RFC 5545 §3.3.10 examples): yearly rules with BYWEEKNO,
 * an ordinal BYDAY ("20MO"), BYYEARDAY or BYHOUR/BYMINUTE/BYSECOND lists; every RSCALE rule
 * (RFC 7529), which ical.js reads as Gregorian; and the rules it walks day by day (yearly or
 * monthly with BYDAY or BYSETPOS: 3 to 100 times slower than rrule-temporal). These go to
 * rrule-temporal; the rest stay with ical.js or with plain date arithmetic.
 */
export function needsCalendarEngine(text: string): boolean {
  const upper = text.toUpperCase();
  if (/(^|;)RSCALE=/.test(upper)) return true;
  if (/(^|;)FREQ=MONTHLY/.test(upper)) return /(^|;)(BYDAY|BYSETPOS)=/.test(upper);
  if (!/(^|;)FREQ=YEARLY/.test(upper)) return false;
  return /(^|;)(BYWEEKNO|BYYEARDAY|BYHOUR|BYMINUTE|BYSECOND|BYDAY|BYSETPOS)=/.test(upper);
}

/**
 * The instances of one rule from `start`, cut at `limits`. UNTIL is left to the caller (it is an
 * instant, or a wall time when floating), so both engines expand in wall time only.
 */
export function ruleInstances(rule: RecurrenceRule, start: ZonedTime, limits: RuleLimits): RuleInstances {
  const plain = rule.recur ? plainInstances(rule.recur, start, limits) : null;
  if (plain) return plain;
  if (!rule.recur || needsCalendarEngine(rule.text)) return calendarEngineInstances(rule.text, start, limits);
  return icalInstances(rule.recur, start, limits);
}

const weekdays: Readonly<Record<string, number>> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };
/** 1 January 1970 was a Thursday. */
const weekdayOf = (epochDay: number): number => (((epochDay + 4) % 7) + 7) % 7;

/**
 * The rules most meetings use (DAILY or WEEKLY, with INTERVAL, COUNT, WKST and plain weekdays
 * in BYDAY; MONTHLY on days of the month or on weekdays of the month) in date arithmetic: ical.js's
 * iterator and rrule-temporal walk them an order of magnitude slower. Like ical.js, DTSTART is the
 * first instance (and counts). Null for any other rule.
 */
export function plainInstances(recur: ICAL.Recur, start: WallTime, limits: RuleLimits): RuleInstances | null {
  if (recur.freq === "MONTHLY") return monthlyInstances(recur, start, limits);
  if (recur.freq !== "DAILY" && recur.freq !== "WEEKLY") return null;
  const parts = recur.parts as Record<string, string[] | undefined>;
  for (const key of Object.keys(parts)) if (key !== "BYDAY") return null;
  const byday = parts.BYDAY;
  if (byday?.some((d) => weekdays[d] === undefined)) return null;
  const days = byday?.length ? new Set(byday.map((d) => weekdays[d] as number)) : null;
  const interval = recur.interval || 1;
  const count = recur.count ?? Number.POSITIVE_INFINITY;
  const first = Math.round(Date.UTC(start.year, start.month - 1, start.day) / dayMs);
  const timeMs = start.isDate ? 0 : ((start.hour * 60 + start.minute) * 60 + start.second) * 1000;
  const lastDay = Math.floor((limits.untilWallMs - timeMs) / dayMs);
  const fromDay = Math.floor(limits.fromWallMs / dayMs);
  const starts: WallTime[] = [];
  let n = 0;
  const push = (epochDay: number): boolean => {
    const d = new Date(epochDay * dayMs);
    starts.push({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: start.hour,
      minute: start.minute,
      second: start.second,
      isDate: start.isDate,
    });
    return ++n < count && n < limits.maxIterations;
  };
  if (first > lastDay || !push(first)) return { starts, cut: n >= limits.maxIterations };
  // Periods before the window hold nothing wanted; without COUNT they need not be walked.
  const periodDays = (recur.freq === "DAILY" ? 1 : 7) * interval;
  const skip = Number.isFinite(count) ? 0 : Math.max(0, Math.floor((fromDay - first) / periodDays) - 1);
  if (recur.freq === "DAILY") {
    for (let day = first + (skip || 1) * interval; day <= lastDay; day += interval) {
      if (days && !days.has(weekdayOf(day))) continue;
      if (!push(day)) return { starts, cut: n >= limits.maxIterations };
    }
    return { starts, cut: false };
  }
  const weekStart = (recur.wkst || ICAL.Time.MONDAY) - 1; // ical.js counts SU = 1
  const own = days ?? new Set([weekdayOf(first)]);
  const firstWeek = first - ((weekdayOf(first) - weekStart + 7) % 7);
  for (let week = firstWeek + skip * periodDays; week <= lastDay; week += periodDays) {
    for (let offset = 0; offset < 7; offset++) {
      const day = week + offset;
      if (day <= first || day > lastDay || !own.has(weekdayOf(day))) continue;
      if (!push(day)) return { starts, cut: n >= limits.maxIterations };
    }
  }
  return { starts, cut: false };
}

/** A BYDAY entry of a monthly rule: the weekday (SU = 0) and its ordinal in the month (0: every one). */
interface MonthWeekday {
  weekday: number;
  nth: number;
}

/**
 * MONTHLY rules with BYMONTHDAY (days of the month, negative from its end) or BYDAY (weekdays,
 * each optionally the nth or nth-last of the month), or neither (DTSTART's day), with INTERVAL
 * and COUNT (RFC 5545 §3.3.10): days a month lacks are skipped. Null for any other part.
 */
function monthlyInstances(recur: ICAL.Recur, start: WallTime, limits: RuleLimits): RuleInstances | null {
  const parts = recur.parts as Record<string, (string | number)[] | undefined>;
  for (const key of Object.keys(parts)) if (key !== "BYDAY" && key !== "BYMONTHDAY") return null;
  const monthDays = parts.BYMONTHDAY?.map(Number);
  const weekdaysOfMonth: MonthWeekday[] = [];
  for (const entry of parts.BYDAY ?? []) {
    const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(String(entry));
    const nth = Number(m?.[1] ?? 0);
    if (!m || Math.abs(nth) > 5) return null;
    weekdaysOfMonth.push({ weekday: weekdays[m[2] as string] as number, nth });
  }
  if (monthDays && (weekdaysOfMonth.length || monthDays.some((d) => !d || Math.abs(d) > 31))) return null;
  const days = monthDays ?? (weekdaysOfMonth.length ? null : [start.day]);
  const interval = recur.interval || 1;
  const count = recur.count ?? Number.POSITIVE_INFINITY;
  const first = Math.round(Date.UTC(start.year, start.month - 1, start.day) / dayMs);
  const timeMs = start.isDate ? 0 : ((start.hour * 60 + start.minute) * 60 + start.second) * 1000;
  const lastDay = Math.floor((limits.untilWallMs - timeMs) / dayMs);
  const starts: WallTime[] = [];
  const push = (epochDay: number): boolean => {
    const d = new Date(epochDay * dayMs);
    starts.push({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: start.hour,
      minute: start.minute,
      second: start.second,
      isDate: start.isDate,
    });
    return starts.length < count && starts.length < limits.maxIterations;
  };
  const cut = (): RuleInstances => ({ starts, cut: starts.length >= limits.maxIterations });
  const startMonth = start.year * 12 + start.month - 1;
  // A DTSTART the rule does not give is still the first instance (expandSeries keeps it), but
  // the RFC leaves such a set undefined: like rrule-temporal and dateutil, COUNT counts only the
  // instances the rule gives.
  const given = daysOfMonth(first - start.day + 1, monthLength(startMonth), days, weekdaysOfMonth).includes(start.day);
  if (first > lastDay || (given && !push(first))) return cut();
  const fromDate = new Date(limits.fromWallMs);
  const fromMonth = fromDate.getUTCFullYear() * 12 + fromDate.getUTCMonth();
  // Periods before the window hold nothing wanted; without COUNT they need not be walked.
  const skip = Number.isFinite(count) ? 0 : Math.max(0, Math.floor((fromMonth - startMonth) / interval) - 1);
  for (let month = startMonth + skip * interval; ; month += interval) {
    const monthStart = Date.UTC(Math.floor(month / 12), month % 12, 1) / dayMs;
    if (monthStart > lastDay) return { starts, cut: false };
    for (const day of daysOfMonth(monthStart, monthLength(month), days, weekdaysOfMonth)) {
      const epochDay = monthStart + day - 1;
      if (epochDay <= first) continue;
      if (epochDay > lastDay) return { starts, cut: false };
      if (!push(epochDay)) return cut();
    }
  }
}

/** Days in a month counted from year 0 (`year * 12 + month - 1`). */
function monthLength(month: number): number {
  return new Date(Date.UTC(Math.floor(month / 12), (month % 12) + 1, 0)).getUTCDate();
}

/** The days (1-based, ascending, distinct) of one month that a monthly rule picks. */
function daysOfMonth(monthStart: number, length: number, days: number[] | null, picks: MonthWeekday[]): number[] {
  const found = new Set<number>();
  if (days) {
    for (const d of days) {
      const day = d > 0 ? d : length + 1 + d;
      if (day >= 1 && day <= length) found.add(day);
    }
  } else {
    const firstWeekday = weekdayOf(monthStart);
    for (const { weekday, nth } of picks) {
      const firstOfKind = 1 + ((weekday - firstWeekday + 7) % 7);
      const lastOfKind = firstOfKind + 7 * Math.floor((length - firstOfKind) / 7);
      if (nth === 0) for (let day = firstOfKind; day <= length; day += 7) found.add(day);
      else {
        const day = nth > 0 ? firstOfKind + 7 * (nth - 1) : lastOfKind + 7 * (nth + 1);
        if (day >= 1 && day <= length) found.add(day);
      }
    }
  }
  return [...found].sort((a, b) => a - b);
}

function icalInstances(source: ICAL.Recur, wall: ZonedTime, limits: RuleLimits): RuleInstances {
  const recur = source.clone();
  recur.until = null; // the caller applies UNTIL
  const { year, month, day, hour, minute, second, isDate } = wall;
  const start = new ICAL.Time({ year, month, day, hour, minute, second, isDate }, wall.zone as ICAL.Timezone);
  const from = recur.count ? start : nearWindow(recur, start, limits.fromWallMs);
  const starts: WallTime[] = [];
  const it = recur.iterator(from);
  let n = 0;
  for (let next = it.next(); next; next = it.next()) {
    if (wallMs(next) > limits.untilWallMs) return { starts, cut: false };
    const { year, month, day, hour, minute, second, isDate } = next;
    starts.push({ year, month, day, hour, minute, second, isDate });
    if (++n >= limits.maxIterations) return { starts, cut: true };
  }
  return { starts, cut: false };
}

const dayMs = 86_400_000;

/**
 * A rule without COUNT repeats the same pattern every INTERVAL periods, so iterating can start at
 * the last whole multiple of its period before the window instead of at a DTSTART years back
 * (what came before is outside the window and uncounted). Months and years move only when the
 * day exists in every month.
 */
function nearWindow(recur: ICAL.Recur, start: ICAL.Time, fromWallMs: number): ICAL.Time {
  const gap = fromWallMs - wallMs(start);
  if (gap <= 0) return start;
  const interval = recur.interval || 1;
  const from = start.clone();
  const sub = subDaily[recur.freq];
  if (sub) {
    const steps = Math.floor(gap / 1000 / (sub * interval)) - 1;
    if (steps > 0) from.adjust(0, 0, 0, steps * sub * interval);
    return from;
  }
  if (recur.freq === "DAILY" || recur.freq === "WEEKLY") {
    const days = (recur.freq === "DAILY" ? 1 : 7) * interval;
    const steps = Math.floor(gap / dayMs / days) - 1;
    if (steps > 0) from.adjust(steps * days, 0, 0, 0);
    return from;
  }
  if ((recur.freq === "MONTHLY" || recur.freq === "YEARLY") && start.day <= 28) {
    const months = (recur.freq === "MONTHLY" ? 1 : 12) * interval;
    const steps = Math.floor(gap / (31 * dayMs) / months) - 1;
    if (steps > 0) {
      const total = start.month - 1 + steps * months;
      from.year = start.year + Math.floor(total / 12);
      from.month = (total % 12) + 1;
    }
  }
  return from;
}

function calendarEngineInstances(text: string, start: WallTime, limits: RuleLimits): RuleInstances {
  const scale = calendarOf(text);
  const parts = text
    .split(";")
    .filter((p) => p && !/^UNTIL=/i.test(p.trim()))
    .join(";");
  // A monthly or yearly weekday rule without COUNT (or RSCALE) repeats per period: start near
  // the window, whole periods after DTSTART.
  const upper = parts.toUpperCase();
  const months = /(^|;)FREQ=MONTHLY/.test(upper) ? 1 : /(^|;)FREQ=YEARLY/.test(upper) ? 12 : 0;
  const shiftable = months && !scale && start.day <= 28 && /(^|;)BYDAY=/.test(upper) && !/(^|;)COUNT=/.test(upper);
  const interval = Number(/(?:^|;)INTERVAL=(\d+)/.exec(upper)?.[1] ?? 1) || 1;
  const from = shiftable ? monthsLater(start, limits.fromWallMs, months * interval) : start;
  // The wall time stands in UTC, so the engine sees no DST and the caller's zone does the rest.
  const dtstart = Temporal.ZonedDateTime.from({
    timeZone: "UTC",
    year: from.year,
    month: from.month,
    day: from.day,
    hour: start.isDate ? 0 : start.hour,
    minute: start.isDate ? 0 : start.minute,
    second: start.isDate ? 0 : start.second,
  });
  const rule = new RRuleTemporal({ rruleString: parts, dtstart });
  const starts: WallTime[] = [];
  let cut = false;
  rule.all((dt, i) => {
    if (dt.epochMilliseconds > limits.untilWallMs) return false;
    if (i >= limits.maxIterations) {
      cut = true;
      return false;
    }
    starts.push({
      year: dt.year,
      month: dt.month,
      day: dt.day,
      hour: dt.hour,
      minute: dt.minute,
      second: dt.second,
      isDate: start.isDate,
    });
    return true;
  });
  if (scale) checkScaled(text, scale, start, starts);
  return { starts, cut };
}

/** `start` moved forward by whole periods of `months` to just before `fromWallMs` (day ≤ 28). */
function monthsLater(start: WallTime, fromWallMs: number, months: number): WallTime {
  const gap = fromWallMs - wallMs(start);
  const steps = Math.floor(gap / (31 * dayMs) / months) - 1;
  if (steps <= 0) return start;
  const total = start.month - 1 + steps * months;
  return { ...plain(start), year: start.year + Math.floor(total / 12), month: (total % 12) + 1 };
}

function plain(t: WallTime): WallTime {
  return {
    year: t.year,
    month: t.month,
    day: t.day,
    hour: t.hour,
    minute: t.minute,
    second: t.second,
    isDate: t.isDate,
  };
}

/** The Temporal calendar an RSCALE names ("GREGORIAN" is "gregory"); throws when unsupported. */
function calendarOf(text: string): string | null {
  const scale = /(?:^|;)RSCALE=([^;]*)/i.exec(text)?.[1]?.toLowerCase();
  if (!scale) return null;
  const id = scale === "gregorian" ? "gregory" : scale;
  try {
    Temporal.PlainDate.from({ year: 2000, month: 1, day: 1 }).withCalendar(id);
  } catch {
    throw new Error(`the calendar ${scale.toUpperCase()} is not supported`);
  }
  return id;
}

/**
 * Checks the instances of an RSCALE rule in its own calendar (months by BYMONTH, days by
 * BYMONTHDAY or DTSTART's day): where the engine got a calendar wrong, the rule is refused with
 * a note rather than imported wrong. A SKIP rule may move instances, so it is trusted as is.
 */
function checkScaled(text: string, calendar: string, start: WallTime, starts: WallTime[]): void {
  const part = (name: string): string[] | null =>
    new RegExp(`(?:^|;)${name}=([^;]*)`, "i").exec(text)?.[1]?.toUpperCase().split(",") ?? null;
  const skip = part("SKIP")?.[0];
  if (skip && skip !== "OMIT") return;
  const inCalendar = (t: WallTime) =>
    Temporal.PlainDate.from({ year: t.year, month: t.month, day: t.day }).withCalendar(calendar);
  const months = part("BYMONTH")?.map((m) => `M${m.replace(/L$/, "").padStart(2, "0")}${m.endsWith("L") ? "L" : ""}`);
  const monthDays = part("BYMONTHDAY")?.map(Number);
  const freeDay = !monthDays && !part("BYDAY") && !part("BYYEARDAY") && !part("BYWEEKNO");
  const day = inCalendar(start).day;
  for (const t of starts) {
    const d = inCalendar(t);
    const fits =
      (!months || months.includes(d.monthCode)) &&
      (!monthDays || monthDays.includes(d.day)) &&
      (!freeDay || /FREQ=(DAILY|WEEKLY)/i.test(text) || d.day === day);
    const date = `${t.year}-${String(t.month).padStart(2, "0")}-${String(t.day).padStart(2, "0")}`;
    if (!fits) throw new Error(`it gave ${date}, which does not fit the rule in that calendar`);
  }
}
