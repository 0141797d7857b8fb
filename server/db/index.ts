import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

/**
 * The Drizzle database every module queries. The same type whichever driver is underneath,
 * so queries, transactions and migrations behave identically on PGlite and Postgres.
 */
export type Db = PgDatabase<PgQueryResultHKT>;

/** A transaction handle; it has the same query API as `Db`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  driver: "pglite" | "postgres";
  /** Closes connections (postgres.js) or the embedded engine (PGlite). */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent the embedded PGlite engine is used. */
  url?: string | undefined;
  /** PGlite data directory; `undefined` keeps the database in memory (tests). */
  dataDir?: string | undefined;
  /** postgres.js pool size. */
  maxConnections?: number;
}

/** Opens the database named by the config: Postgres when a URL is given, else PGlite. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.url) {
    const { openPostgres } = await import("./postgres.ts");
    return openPostgres(options.url, options.maxConnections ?? 10);
  }
  const { openPglite } = await import("./pglite.ts");
  return openPglite(options.dataDir);
}
