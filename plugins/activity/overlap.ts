import type { WorkingHours } from "./working-hours.ts";

/** A member's schedule: their zone and weekly working hours (from their profile, not activity). */
export interface Schedule {
  timeZone: string;
  workingHours: WorkingHours;
}

export interface OverlapHour {
  /** Hour of the day in the team's zone. */
  hour: number;
  /** How many members are inside their working hours then, on an average weekday. */
  available: number;
}

export interface SyncWindow {
  from: number;
  to: number;
  available: number;
}

const weekdayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

function inHours(hours: WorkingHours, weekday: number, hhmm: string): boolean {
  const day = hours[weekdayKeys[weekday - 1] as (typeof weekdayKeys)[number]] ?? [];
  return day.some(([from, to]) => hhmm >= from && hhmm < to);
}

/**
 * For each hour of a team-local weekday (the working week starting `monday`, a local date),
 * how many members are within their own working hours, averaged over Monday–Friday. Time-zone
 * math is done with Temporal per date, so DST weeks come out right.
 */
export function overlapHours(schedules: Schedule[], teamZone: string, monday: Temporal.PlainDate): OverlapHour[] {
  const result: OverlapHour[] = [];
  for (let hour = 0; hour < 24; hour++) {
    let total = 0;
    for (let d = 0; d < 5; d++) {
      const local = monday.add({ days: d }).toZonedDateTime({ timeZone: teamZone, plainTime: { hour, minute: 30 } });
      for (const s of schedules) {
        const theirs = local.withTimeZone(s.timeZone);
        const hhmm = `${String(theirs.hour).padStart(2, "0")}:${String(theirs.minute).padStart(2, "0")}`;
        if (inHours(s.workingHours, theirs.dayOfWeek, hhmm)) total++;
      }
    }
    result.push({ hour, available: Math.round((total / 5) * 10) / 10 });
  }
  return result;
}

/** The longest runs of hours where the most members overlap: the cheapest sync slots. */
export function syncWindows(hours: OverlapHour[]): SyncWindow[] {
  const best = Math.max(0, ...hours.map((h) => h.available));
  if (best === 0) return [];
  const windows: SyncWindow[] = [];
  let start: number | null = null;
  for (const h of [...hours, { hour: 24, available: -1 }]) {
    if (h.available === best && start === null) start = h.hour;
    if (h.available !== best && start !== null) {
      windows.push({ from: start, to: h.hour, available: best });
      start = null;
    }
  }
  return windows;
}
