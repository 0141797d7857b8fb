import { formatShortDate } from "../../server/plugin-api.ts";
/**
 * Check-in periods. A period is named by the ISO week it starts in (`2026-W10`); a weekly
 * check-in has one period per week, an every-two-weeks one a period per pair of weeks, paired
 * from a fixed Monday so every instance agrees. Calendar math runs in the team's time zone.
 */

export type Cadence = "weekly" | "biweekly";

export interface CheckinSchedule {
  cadence: Cadence;
  /** ISO weekday 1–7 the update is due. */
  weekday: number;
  /** Local "HH:MM". */
  time: string;
  timeZone: string;
}

export interface Period {
  key: string;
  /** The local start of the period (Monday 00:00) as an instant. */
  start: Date;
  /** The local end (exclusive) as an instant. */
  end: Date;
  /** When updates for the period are due. */
  dueAt: Date;
}

// A Monday (1970-01-05) that pairs weeks for the every-two-weeks cadence.
const anchor = Temporal.PlainDate.from("1970-01-05");

export function weekKey(date: Temporal.PlainDate): string {
  return `${date.yearOfWeek}-W${String(date.weekOfYear).padStart(2, "0")}`;
}

function mondayOfKey(key: string): Temporal.PlainDate | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  // ISO week 1 contains 4 January.
  const jan4 = Temporal.PlainDate.from({ year, month: 1, day: 4 });
  const monday = jan4.subtract({ days: jan4.dayOfWeek - 1 }).add({ weeks: week - 1 });
  return weekKey(monday) === key ? monday : null;
}

export function isPeriodKey(key: string): boolean {
  return mondayOfKey(key) !== null;
}

function periodFromMonday(monday: Temporal.PlainDate, s: CheckinSchedule): Period {
  const weeks = s.cadence === "biweekly" ? 2 : 1;
  const dueDate = monday.add({ days: (weeks - 1) * 7 + (s.weekday - 1) });
  const at = (d: Temporal.PlainDate, t?: string): Date =>
    new Date(
      d.toZonedDateTime({ timeZone: s.timeZone, plainTime: Temporal.PlainTime.from(t ?? "00:00") }).epochMilliseconds,
    );
  return {
    key: weekKey(monday),
    start: at(monday),
    end: at(monday.add({ weeks })),
    dueAt: at(dueDate, s.time),
  };
}

/** The period that `now` falls in. */
export function periodAt(s: CheckinSchedule, now: Date): Period {
  const local = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(s.timeZone).toPlainDate();
  let monday = local.subtract({ days: local.dayOfWeek - 1 });
  if (s.cadence === "biweekly") {
    const weeksSince = Math.floor(anchor.until(monday, { largestUnit: "days" }).days / 7);
    if (weeksSince % 2 !== 0) monday = monday.subtract({ weeks: 1 });
  }
  return periodFromMonday(monday, s);
}

/** The period named `key` (for filters and pages); null for a malformed key. */
export function periodOf(s: CheckinSchedule, key: string): Period | null {
  const monday = mondayOfKey(key);
  return monday ? periodAt(s, new Date(periodFromMonday(monday, { ...s, cadence: "weekly" }).start.getTime())) : null;
}

/** The `count` periods up to and including the one at `now`, oldest first. */
export function recentPeriods(s: CheckinSchedule, now: Date, count: number): Period[] {
  const out: Period[] = [periodAt(s, now)];
  while (out.length < count) {
    const first = out[0] as Period;
    out.unshift(periodAt(s, new Date(first.start.getTime() - 1)));
  }
  return out;
}

/** "Week of 2 Mar 2026" for a period key. */
export function periodLabel(key: string): string {
  // Building a locale formatter costs far more than a page render: remember each week's label.
  let label = labels.get(key);
  if (label === undefined) {
    const monday = mondayOfKey(key);
    label = monday ? `Week of ${formatShortDate(monday)}` : key;
    if (labels.size >= 10_000) labels.clear();
    labels.set(key, label);
  }
  return label;
}

const labels = new Map<string, string>();
