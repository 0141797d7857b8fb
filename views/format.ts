const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant as the reader's wall-clock time, e.g. "Mon 2 Mar 2026, 09:00". */
export function formatInstant(at: Date, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, format);
  }
  return format.format(at);
}
