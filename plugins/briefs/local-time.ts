// Core's helpers for local times and ids, plus the one this plugin adds.
export { instantFromLocal, isCalendarDate, isUuid, toLocalInput } from "../../server/plugin-api.ts";

/** The local calendar date of `at` in `timeZone` ("YYYY-MM-DD"). */
export function localDate(at: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}
