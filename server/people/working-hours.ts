import { z } from "zod";
import { type Weekday, type WorkingHours, weekdays } from "./schema.ts";

export const weekdayLabels: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

/** Monday to Friday, 09:00–17:00: the default for a new person. */
export const defaultWorkingHours: WorkingHours = {
  mon: [["09:00", "17:00"]],
  tue: [["09:00", "17:00"]],
  wed: [["09:00", "17:00"]],
  thu: [["09:00", "17:00"]],
  fri: [["09:00", "17:00"]],
};

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Reads working hours from form fields `hours.<day>.start` / `hours.<day>.end` / `hours.<day>.on`.
 * One interval per day in the form; the stored shape allows several (plugins may set them).
 */
export function workingHoursFromForm(
  values: Record<string, string | string[]>,
): { hours: WorkingHours } | { errors: Record<string, string> } {
  const hours: WorkingHours = {};
  const errors: Record<string, string> = {};
  for (const day of weekdays) {
    const on = values[`hours.${day}.on`];
    if (!on) continue;
    const start = String(values[`hours.${day}.start`] ?? "");
    const end = String(values[`hours.${day}.end`] ?? "");
    if (!hhmm.test(start) || !hhmm.test(end)) {
      errors[`hours.${day}`] = `${weekdayLabels[day]}: enter start and end as HH:MM.`;
    } else if (end <= start) {
      errors[`hours.${day}`] = `${weekdayLabels[day]}: the end must be after the start.`;
    } else {
      hours[day] = [[start, end]];
    }
  }
  return Object.keys(errors).length ? { errors } : { hours };
}

/** Validates working hours sent as JSON (API, CLI, demo): sorted, non-overlapping HH:MM intervals. */
export const workingHoursSchema = z
  .record(z.enum(weekdays), z.array(z.tuple([z.string().regex(hhmm), z.string().regex(hhmm)])).max(6))
  .refine(
    (hours) =>
      Object.values(hours).every((intervals) =>
        intervals.every(([s, e], i) => e > s && (i === 0 || s >= (intervals[i - 1]?.[1] ?? ""))),
      ),
    "Intervals must end after they start and must not overlap.",
  ) as unknown as z.ZodType<WorkingHours>;

export function describeHours(hours: WorkingHours): string {
  const days = weekdays.filter((d) => hours[d]?.length);
  if (!days.length) return "No working hours set";
  return days
    .map(
      (d) => `${d.slice(0, 1).toUpperCase()}${d.slice(1)} ${(hours[d] ?? []).map(([s, e]) => `${s}–${e}`).join(", ")}`,
    )
    .join(" · ");
}
