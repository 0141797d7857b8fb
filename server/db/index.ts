import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { PgliteThread } from "./pglite-thread.ts";
import type { StatementEvents } from "./statements.ts";
import type { OuterQueryPolicy } from "./transaction-scope.ts";

/**
 * The Drizzle database every module queries. The same driver (postgres.js) whichever database is
 * underneath — a Postgres server, or the embedded PGlite running in its own thread behind a
 * wire-protocol socket — so queries, transactions and migrations behave identically.
 */
export type Db = PgDatabase<PgQueryResultHKT>;

/** A transaction handle; it has the same query API as `Db`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  driver: "pglite" | "postgres";
  /** Every statement sent through `db`, for those who watch (the page cache). */
  statements: StatementEvents;
  /** Closes the connections, and for PGlite the engine and its thread. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent the embedded PGlite engine is used. */
  url?: string | undefined;
  /** PGlite data directory; `undefined` keeps the database in memory (tests). */
  dataDir?: string | undefined;
  /** PGlite's page cache in megabytes (`PGLITE_CACHE_MB`). */
  pgliteCacheMb?: number | undefined;
  /** postgres.js pool size. */
  maxConnections?: number;
  /** A query through the outer handle inside a transaction: run it in the transaction, or throw. */
  outerQueries?: OuterQueryPolicy;
  /** Told the call site of each query routed into a transaction (once per site). */
  onRoutedQuery?: (site: string) => void;
  /** Told what a slow first start is doing. */
  onProgress?: (step: string) => void;
  /** The embedded database's thread, started early for `dataDir` (see main.ts). */
  thread?: PgliteThread | undefined;
}

/** Opens the database named by the config: Postgres when a URL is given, else PGlite. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const transactions = {
    policy: options.outerQueries ?? "route",
    ...(options.onRoutedQuery ? { onRouted: options.onRoutedQuery } : {}),
  };
  if (options.url) {
    const { openPostgres } = await import("./postgres.ts");
    return openPostgres({ url: options.url, max: options.maxConnections ?? 10, transactions });
  }
  const { openPglite } = await import("./pglite.ts");
  return openPglite({
    dataDir: options.dataDir,
    cacheMb: options.pgliteCacheMb,
    max: options.maxConnections ?? 4,
    transactions,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.thread ? { thread: options.thread } : {}),
  });
}

export { type Notifier, openNotifier } from "./notify.ts";

/** Which database the config names: Postgres at `DATABASE_URL`, else PGlite in `DATA_DIR`. */
export function configuredDatabase(config: Config): Pick<OpenOptions, "url" | "dataDir" | "pgliteCacheMb"> {
  return {
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
    pgliteCacheMb: config.pgliteCacheMb,
  };
}

/** Opens the database the config names, reporting to the log what a slow first start is doing. */
export function openConfiguredDatabase(config: Config, logger: Logger, thread?: PgliteThread): Promise<Database> {
  return openDatabase({
    ...configuredDatabase(config),
    thread:
      !config.databaseUrl && thread?.dataDir === config.dataDir && thread.cacheMb === config.pgliteCacheMb
        ? thread
        : undefined,
    onRoutedQuery: (site) =>
      logger.warn("a query through the outer database handle ran inside a transaction; routed into it", { site }),
    onProgress: (step) => logger.info(step),
  });
}
