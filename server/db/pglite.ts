import { once } from "node:events";
import { createConnection } from "node:net";
import type { Database } from "./index.ts";
import { type PgliteThread, startPgliteThread } from "./pglite-thread.ts";
import { openPostgres } from "./postgres.ts";
import type { TransactionScopeOptions } from "./transaction-scope.ts";

export { DataDirInUseError } from "./pglite-thread.ts";

export interface PgliteOptions {
  /** `undefined` keeps the database in memory (tests). */
  dataDir: string | undefined;
  /** The engine's page cache in megabytes (`DEFAULT_PGLITE_CACHE_MB`). */
  cacheMb?: number | undefined;
  max: number;
  transactions: TransactionScopeOptions;
  onProgress?: (step: string) => void;
  /** Started earlier for this `dataDir` (the server starts it before importing the app). */
  thread?: PgliteThread;
}

/**
 * Starts PGlite in its own thread, serving the Postgres wire protocol on a private Unix socket,
 * and connects postgres.js to it: queries never run on the request thread, and the app speaks
 * to the embedded database exactly as to Postgres. A new database is restored from the
 * pre-initialized data directory shipped with the app (PGlite's own initdb takes seconds).
 *
 * With a thread started earlier (the server's), the handle comes back at once and each
 * connection waits until the engine answers, so the caller's own start-up work runs meanwhile; a
 * failed start (a data directory in use) fails the first query with the reason. Otherwise it
 * resolves once the engine answers, or rejects.
 */
export async function openPglite(options: PgliteOptions): Promise<Database> {
  const thread = options.thread ?? startPgliteThread(options.dataDir, { cacheMb: options.cacheMb });
  if (options.onProgress) thread.onProgress(options.onProgress);
  if (!options.thread) await thread.ready;
  const pool = openPostgres(
    {
      socketPath: thread.socketPath,
      connect: async () => {
        await thread.ready;
        const socket = createConnection(thread.socketPath);
        await once(socket, "connect");
        return socket;
      },
      max: options.max,
      transactions: options.transactions,
    },
    "pglite",
  );
  let closing: Promise<void> | undefined;
  return {
    ...pool,
    close() {
      closing ??= (async () => {
        await pool.close();
        await thread.close();
      })();
      return closing;
    },
  };
}
