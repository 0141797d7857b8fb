import type { Db } from "./index.ts";

/**
 * A query built once per database and reused. Building a query with Drizzle's builder costs
 * more than running a small one (measured: ~200 µs to build, ~30 µs to run a primary-key
 * lookup on Postgres), so hot paths — the session check on every request, list pages —
 * prepare theirs.
 *
 * @example
 * const personById = prepared((db) =>
 *   db.select().from(people).where(eq(people.id, sql.placeholder("id"))).prepare("person_by_id"),
 * );
 * const [person] = await personById(db).execute({ id });
 */
export function prepared<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let query = cache.get(db);
    if (!query) {
      query = build(db);
      cache.set(db, query);
    }
    return query;
  };
}
