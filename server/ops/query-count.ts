import { AsyncLocalStorage } from "node:async_hooks";
import type { Db } from "../db/index.ts";

/** What one request has cost the database so far. */
export interface QueryTally {
  queries: number;
}

const current = new AsyncLocalStorage<QueryTally>();

/**
 * Counts the statements each request sends, for the request log line (`queries`). Drizzle tells
 * its logger about every statement, inside transactions too (transaction sessions share the
 * options of the session they come from), so one logger attached to the database counts them
 * all; only BEGIN and COMMIT are not counted.
 */
export function countQueries(db: Db): void {
  const logger = {
    logQuery(): void {
      const tally = current.getStore();
      if (tally) tally.queries++;
    },
  };
  const session = (db as unknown as { session: { logger: unknown; options?: { logger?: unknown } } }).session;
  session.logger = logger;
  if (session.options) session.options.logger = logger;
}

/** Runs one request with its own tally. */
export function withQueryTally<T>(tally: QueryTally, run: () => T): T {
  return current.run(tally, run);
}
