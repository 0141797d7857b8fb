/** The calendar quarter of an instant in a time zone: "2026-Q1". */
export function quarterOf(at: Date, timeZone: string): string {
  const local = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);
  return `${local.year}-Q${Math.ceil(local.month / 3)}`;
}

/** Whether a string names a quarter ("2026-Q3"). */
export function isQuarter(value: string): boolean {
  return /^\d{4}-Q[1-4]$/.test(value);
}

/** The quarter after `quarter`. */
export function nextQuarter(quarter: string): string {
  const [year, q] = [Number(quarter.slice(0, 4)), Number(quarter.slice(6))];
  return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
}
