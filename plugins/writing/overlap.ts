const weekdayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Weekday = (typeof weekdayKeys)[number];

/** A person's working week: their zone and local "HH:MM" half-open intervals per weekday. */
export interface WorkingWeek {
  timeZone: string;
  workingHours: Partial<Record<Weekday, [string, string][]>>;
}

/** The week's working intervals as UTC epoch-millisecond ranges, for the ISO week starting `monday`. */
function intervalsOf(week: WorkingWeek, monday: Temporal.PlainDate): [number, number][] {
  const out: [number, number][] = [];
  for (let d = 0; d < 7; d++) {
    const date = monday.add({ days: d });
    for (const [from, to] of week.workingHours[weekdayKeys[d] as Weekday] ?? []) {
      const start = date.toZonedDateTime({ timeZone: week.timeZone, plainTime: Temporal.PlainTime.from(from) });
      const end =
        to === "24:00"
          ? date.add({ days: 1 }).toZonedDateTime({ timeZone: week.timeZone })
          : date.toZonedDateTime({ timeZone: week.timeZone, plainTime: Temporal.PlainTime.from(to) });
      if (end.epochMilliseconds > start.epochMilliseconds) out.push([start.epochMilliseconds, end.epochMilliseconds]);
    }
  }
  return out;
}

/**
 * Hours per week when both people are inside their own working hours, for the week starting
 * `monday` (a local date; each person's intervals are placed on that week in their own zone, so
 * DST weeks are right). Pairs across time zones with little overlap review asynchronously.
 */
export function weeklyOverlapHours(a: WorkingWeek, b: WorkingWeek, monday: Temporal.PlainDate): number {
  let ms = 0;
  for (const [s1, e1] of intervalsOf(a, monday)) {
    for (const [s2, e2] of intervalsOf(b, monday)) ms += Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
  }
  return Math.round((ms / 3_600_000) * 10) / 10;
}

/** The Monday of the ISO week containing `at`, in `timeZone`. */
export function mondayOf(at: Date, timeZone: string): Temporal.PlainDate {
  const date = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone).toPlainDate();
  return date.subtract({ days: date.dayOfWeek - 1 });
}
