import { type SQL, sql } from "drizzle-orm";

/** `db.execute()` returns an array on postgres.js and `{ rows }` on PGlite; this reads either. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** An instant inside a raw `sql` template (postgres.js rejects a bare Date there). */
export function at(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}

export const SLOT_MS = 15 * 60_000;

/** The start of the 15-minute slot holding `date`. */
export function slotOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / SLOT_MS) * SLOT_MS);
}
