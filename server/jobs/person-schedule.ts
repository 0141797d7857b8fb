import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../db/index.ts";
import { people } from "../people/schema.ts";
import { personScheduleMarks } from "./schema.ts";

/** A time in each person's own zone: "Monday 08:00" (weekly) or "08:00" (daily). */
export interface LocalSchedule {
  /** Names the schedule in the marks table, e.g. `digest.weekly`. */
  key: string;
  /** ISO weekday 1 (Monday) … 7 (Sunday); omit for every day. */
  weekday?: number;
  /** Local "HH:MM". */
  time: string;
}

export interface DuePerson {
  personId: string;
  timeZone: string;
  /** The period the occurrence belongs to: `2026-W10` (weekly) or `2026-03-02` (daily). */
  period: string;
  /** The instant the person's local time passed the schedule. */
  dueAt: Date;
}

/**
 * The latest occurrence of `schedule` at or before `now` in `timeZone`, with its period key.
 * Steps by calendar date in the local zone (never "minus 24 hours"), so DST days are right;
 * a local time that falls in a DST gap moves forward, as `Temporal`'s "compatible" rule does.
 */
export function latestOccurrence(
  schedule: LocalSchedule,
  timeZone: string,
  now: Date,
): { period: string; dueAt: Date } {
  const local = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone);
  const time = Temporal.PlainTime.from(schedule.time);
  let date = local.toPlainDate();
  if (schedule.weekday !== undefined) date = date.subtract({ days: (date.dayOfWeek - schedule.weekday + 7) % 7 });
  let at = date.toZonedDateTime({ timeZone, plainTime: time });
  if (Temporal.ZonedDateTime.compare(at, local) > 0) {
    date = date.subtract({ days: schedule.weekday === undefined ? 1 : 7 });
    at = date.toZonedDateTime({ timeZone, plainTime: time });
  }
  const period =
    schedule.weekday === undefined
      ? date.toString()
      : `${date.yearOfWeek}-W${String(date.weekOfYear).padStart(2, "0")}`;
  return { period, dueAt: new Date(at.epochMilliseconds) };
}

/**
 * People whose local time has passed the schedule in the current period and who were not yet
 * handled for it — e.g. "everyone whose Monday 08:00 has come and who has no digest this week".
 * Call `claimPersonPeriod` before acting on one, so two instances never both act.
 *
 * @example
 * for (const due of await peopleDue(db, { key: "digest.weekly", weekday: 1, time: "08:00" }, now)) {
 *   if (await claimPersonPeriod(db, "digest.weekly", due.personId, due.period)) await sendDigest(due);
 * }
 */
export async function peopleDue(
  db: DbOrTx,
  schedule: LocalSchedule,
  now: Date,
  options: { personIds?: string[] } = {},
): Promise<DuePerson[]> {
  const where = options.personIds
    ? and(eq(people.status, "active"), inArray(people.id, options.personIds))
    : eq(people.status, "active");
  if (options.personIds && !options.personIds.length) return [];
  const everyone = await db.select({ id: people.id, timeZone: people.timeZone }).from(people).where(where);
  const candidates = everyone.map((p) => ({
    personId: p.id,
    timeZone: p.timeZone,
    ...latestOccurrence(schedule, p.timeZone, now),
  }));
  if (!candidates.length) return [];
  const periods = [...new Set(candidates.map((c) => c.period))];
  const marks = await db
    .select({ personId: personScheduleMarks.personId, period: personScheduleMarks.period })
    .from(personScheduleMarks)
    .where(and(eq(personScheduleMarks.key, schedule.key), inArray(personScheduleMarks.period, periods)));
  const handled = new Set(marks.map((m) => `${m.personId}|${m.period}`));
  return candidates.filter((c) => !handled.has(`${c.personId}|${c.period}`));
}

/** Marks a person handled for a period. Returns false when someone else already did (skip them). */
export async function claimPersonPeriod(
  db: DbOrTx,
  key: string,
  personId: string,
  period: string,
  now?: Date,
): Promise<boolean> {
  const rows = await db
    .insert(personScheduleMarks)
    .values({ key, personId, period, ...(now ? { markedAt: now } : {}) })
    .onConflictDoNothing()
    .returning({ key: personScheduleMarks.key });
  return rows.length > 0;
}
