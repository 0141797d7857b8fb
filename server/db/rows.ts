import { type SQL, sql } from "drizzle-orm";

/** `db.execute()` returns an array on postgres.js and `{ rows }` on PGlite; this reads either. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * An instant as a SQL parameter inside a raw `sql` template. Drizzle maps `Date` only for typed
 * columns; postgres.js rejects a bare `Date` there, so send ISO text and cast.
 */
export function instant(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}
