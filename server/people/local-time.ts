/** Calendar helpers for showing and reading times in a person's or team's IANA zone. */

const instantOf = (at: Date): Temporal.Instant => Temporal.Instant.fromEpochMilliseconds(at.getTime());

/** Today's date where `timeZone` is, as "YYYY-MM-DD". */
export function todayIn(timeZone: string, now: Date): string {
  return instantOf(now).toZonedDateTimeISO(timeZone).toPlainDate().toString();
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
