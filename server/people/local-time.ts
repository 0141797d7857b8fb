/** Calendar helpers for showing and reading times in a person's or team's IANA zone. */

const instantOf = (at: Date): Temporal.Instant => Temporal.Instant.fromEpochMilliseconds(at.getTime());

/** Today's date where `timeZone` is, as "YYYY-MM-DD". */
export function todayIn(timeZone: string, now: Date): string {
  return instantOf(now).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/** "Mon 09:41": the wall-clock time someone in `timeZone` sees at `now`. */
export function localClock(timeZone: string, now: Date): string {
  const local = instantOf(now).toZonedDateTimeISO(timeZone);
  return local.toLocaleString("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

/** "Mon 2 Mar 2026, 09:00" in `timeZone`. */
export function formatInZone(at: Date, timeZone: string): string {
  return instantOf(at).toZonedDateTimeISO(timeZone).toLocaleString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
}

/** "Fri 25 Dec 2026" for a calendar date "YYYY-MM-DD". */
export function formatDay(day: string): string {
  return Temporal.PlainDate.from(day).toLocaleString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
}

/** The value a `datetime-local` input shows for `at` in `timeZone` ("YYYY-MM-DDTHH:MM"). */
export function toLocalInput(at: Date, timeZone: string): string {
  return instantOf(at).toZonedDateTimeISO(timeZone).toPlainDateTime().toString({ smallestUnit: "minute" });
}

const localDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/**
 * Reads a `datetime-local` value as a wall-clock time in `timeZone`. A time that falls in a
 * daylight-saving gap moves forward, as the zone's clocks do ("compatible" disambiguation).
 */
export function instantFromLocal(value: string, timeZone: string): Date | null {
  if (!localDateTime.test(value)) return null;
  try {
    // "reject": 2026-02-30T09:00 is a mistake to report, not a date to quietly move.
    const instant = Temporal.PlainDateTime.from(value, { overflow: "reject" }).toZonedDateTime(timeZone).toInstant();
    return new Date(instant.epochMilliseconds);
  } catch {
    return null;
  }
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a real calendar date written "YYYY-MM-DD". */
export function isCalendarDate(value: string): boolean {
  if (!isoDate.test(value)) return false;
  try {
    Temporal.PlainDate.from(value, { overflow: "reject" });
    return true;
  } catch {
    return false;
  }
}
