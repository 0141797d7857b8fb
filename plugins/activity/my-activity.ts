import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import { events, pauses, releaseBudget, rollupHours, rollups } from "./schema.ts";
import { at, rowsOf } from "./sql.ts";

/** One person's own figures: only ever queried for the viewer themself. */
export interface OwnWeek {
  /** Active hours per local day, Monday first (7 numbers). */
  days: number[];
  totalHours: number;
  categories: { category: string; hours: number }[];
}

/** The person's active hours per local day and per category in [from, from + 7 days). */
export async function ownWeek(db: DbOrTx, personId: string, timeZone: string, from: Date): Promise<OwnWeek> {
  const to = new Date(from.getTime() + 7 * 86_400_000);
  const byDay = rowsOf<{ weekday: number; secs: number }>(
    await db.execute(sql`
      select extract(isodow from slot_start at time zone ${timeZone})::int as weekday, sum(seconds)::float8 as secs
      from activity.rollups
      where person_id = ${personId}::uuid and slot_start >= ${at(from)} and slot_start < ${at(to)}
      group by 1`),
  );
  const byCategory = rowsOf<{ category: string; secs: number }>(
    await db.execute(sql`
      select category, sum(seconds)::float8 as secs
      from activity.rollups
      where person_id = ${personId}::uuid and slot_start >= ${at(from)} and slot_start < ${at(to)}
      group by 1 order by 2 desc`),
  );
  const days = [0, 0, 0, 0, 0, 0, 0];
  for (const d of byDay) days[d.weekday - 1] = Math.round((Number(d.secs) / 3600) * 10) / 10;
  const total = byCategory.reduce((sum, c) => sum + Number(c.secs), 0);
  return {
    days,
    totalHours: Math.round((total / 3600) * 10) / 10,
    categories: byCategory.map((c) => ({ category: c.category, hours: Math.round((Number(c.secs) / 3600) * 10) / 10 })),
  };
}

/** Monday 00:00 of the week holding `now`, in `timeZone`, as an instant. */
export function weekStart(now: Date, timeZone: string): Date {
  const local = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone);
  const monday = local.toPlainDate().subtract({ days: local.dayOfWeek - 1 });
  return new Date(monday.toZonedDateTime({ timeZone }).epochMilliseconds);
}

export interface OwnExport {
  rollups: { slotStart: string; category: string; seconds: number }[];
  rawEvents: { start: string; durationSeconds: number; app: string | null; category: string | null; afk: boolean }[];
}

/** Everything stored about the person's activity. */
export async function exportOwn(db: DbOrTx, personId: string): Promise<OwnExport> {
  const rolled = await db
    .select({ slotStart: rollups.slotStart, category: rollups.category, seconds: rollups.seconds })
    .from(rollups)
    .where(eq(rollups.personId, personId))
    .orderBy(asc(rollups.slotStart), asc(rollups.category));
  const raw = await db
    .select({
      start: events.startAt,
      durationS: events.durationS,
      app: events.app,
      category: events.category,
      afk: events.afk,
    })
    .from(events)
    .where(eq(events.personId, personId))
    .orderBy(asc(events.startAt));
  return {
    rollups: rolled.map((r) => ({ slotStart: r.slotStart.toISOString(), category: r.category, seconds: r.seconds })),
    rawEvents: raw.map((e) => ({
      start: e.start.toISOString(),
      durationSeconds: e.durationS,
      app: e.app,
      category: e.category,
      afk: e.afk,
    })),
  };
}

const csvCell = (value: string | number | boolean | null): string => {
  const text = value === null ? "" : String(value);
  // Quote everything that could break the row, and defuse spreadsheet formulas.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export function exportCsv(data: OwnExport): string {
  const lines = ["kind,start,seconds,category,app,afk"];
  for (const r of data.rollups)
    lines.push(["rollup", r.slotStart, r.seconds, r.category, "", ""].map(csvCell).join(","));
  for (const e of data.rawEvents)
    lines.push(["event", e.start, e.durationSeconds, e.category, e.app, e.afk].map(csvCell).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * Deletes all of the person's activity (raw events, rollups, their entries in the release
 * ledger); devices stay registered. Frozen team releases stay: they are noisy aggregates of at
 * least k people, and rewriting them would itself publish a before/after difference.
 */
export async function deleteOwn(db: DbOrTx, personId: string): Promise<void> {
  await db.delete(releaseBudget).where(eq(releaseBudget.personId, personId));
  await db.delete(events).where(eq(events.personId, personId));
  await db.delete(rollups).where(eq(rollups.personId, personId));
  await db.delete(rollupHours).where(eq(rollupHours.personId, personId));
}

export async function isPaused(db: DbOrTx, personId: string): Promise<boolean> {
  const [row] = await db.select().from(pauses).where(eq(pauses.personId, personId));
  return Boolean(row);
}

export async function setPaused(db: DbOrTx, personId: string, paused: boolean, now: Date): Promise<void> {
  if (paused) await db.insert(pauses).values({ personId, pausedAt: now }).onConflictDoNothing();
  else await db.delete(pauses).where(eq(pauses.personId, personId));
}

/** Active seconds in [from, to) from the person's rollups (for the dashboard card and digest). */
export async function ownSeconds(db: DbOrTx, personId: string, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ secs: sql<number>`coalesce(sum(${rollups.seconds}), 0)::float8` })
    .from(rollups)
    .where(and(eq(rollups.personId, personId), gte(rollups.slotStart, from), lt(rollups.slotStart, to)));
  return Number(row?.secs ?? 0);
}
