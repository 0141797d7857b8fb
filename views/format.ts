// The one place dates and times become text. Every page, digest and notification formats
// through these functions, so the portal speaks one format (and changing the locale is one line).

/** The locale every date and time is written in. */
export const displayLocale = "en-GB";

const instantOf = (at: Date): Temporal.Instant => Temporal.Instant.fromEpochMilliseconds(at.getTime());

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(displayLocale, options);
    formatters.set(key, format);
  }
  return format;
}

const dayParts = { weekday: "short", day: "numeric", month: "short", year: "numeric" } as const;
const timeParts = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } as const;

/** An instant as the reader's wall-clock time, e.g. "Mon 2 Mar 2026, 09:00". */
export function formatInstant(at: Date, timeZone: string): string {
  return formatter(`instant ${timeZone}`, { timeZone, ...dayParts, ...timeParts }).format(at);
}

/** The day an instant falls on in `timeZone`, e.g. "Mon 2 Mar 2026". */
export function formatInstantDay(at: Date, timeZone: string): string {
  return formatter(`day ${timeZone}`, { timeZone, ...dayParts }).format(at);
}

/** "Mon 09:41": the weekday and wall-clock time someone in `timeZone` sees at `at`. */
export function formatClock(at: Date, timeZone: string): string {
  return formatter(`clock ${timeZone}`, { timeZone, weekday: "short", ...timeParts }).format(at);
}

/** A calendar date "YYYY-MM-DD" (no time zone involved), e.g. "Mon 2 Mar 2026". */
export function formatDate(day: string | Temporal.PlainDate): string {
  const date = typeof day === "string" ? Temporal.PlainDate.from(day) : day;
  return date.toLocaleString(displayLocale, dayParts);
}

/** A calendar date without its weekday, for labels in charts and periods, e.g. "2 Mar 2026". */
export function formatShortDate(day: string | Temporal.PlainDate): string {
  const date = typeof day === "string" ? Temporal.PlainDate.from(day) : day;
  return date.toLocaleString(displayLocale, { day: "numeric", month: "short", year: "numeric" });
}

/** A calendar date as day and month, for crowded chart axes, e.g. "2 Mar". */
export function formatDayMonth(day: string | Temporal.PlainDate): string {
  const date = typeof day === "string" ? Temporal.PlainDate.from(day) : day;
  return date.toLocaleString(displayLocale, { day: "numeric", month: "short" });
}

/** Today's calendar date where `timeZone` is, e.g. for a date input's default. */
export function dateIn(at: Date, timeZone: string): Temporal.PlainDate {
  return instantOf(at).toZonedDateTimeISO(timeZone).toPlainDate();
}
