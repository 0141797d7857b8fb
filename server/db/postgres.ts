import type { Socket } from "node:net";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres, { type Options } from "postgres";
import type { Database, Db } from "./index.ts";
import { StatementEvents } from "./statements.ts";
import { scopeTransactions, type TransactionScopeOptions } from "./transaction-scope.ts";

export interface PostgresOptions {
  /** postgres:// URL, or a Unix socket path (the embedded database's). */
  url?: string;
  socketPath?: string;
  /** Opens each connection's socket, already connected (the embedded database's, once it answers). */
  connect?: () => Promise<Socket>;
  max: number;
  transactions: TransactionScopeOptions;
  /** Called with the driver's error when a connection cannot be made. */
  onConnectError?: (error: unknown) => void;
}

/** Seconds to wait for a connection before a query fails (a down database answers 503 fast). */
export const CONNECT_TIMEOUT_S = 3;

/** Opens a postgres.js pool wrapped with the transaction discipline, and Drizzle over it. */
export function openPostgres(options: PostgresOptions, driver: Database["driver"] = "postgres"): Database {
  const settings: Options<Record<string, never>> = {
    max: options.max,
    onnotice: () => {},
    connect_timeout: CONNECT_TIMEOUT_S,
    // Idle connections are closed so a database restart is noticed and reconnected cleanly.
    idle_timeout: 60,
  };
  const client =
    options.socketPath !== undefined
      ? postgres({
          ...settings,
          path: options.socketPath,
          user: "postgres",
          database: "postgres",
          ...(options.connect ? { socket: options.connect } : {}),
        })
      : postgres(options.url ?? "", settings);
  const statements = new StatementEvents();
  const db = drizzle(scopeTransactions(client, { ...options.transactions, statements })) as unknown as Db;
  return {
    db,
    driver,
    statements,
    close: () => client.end({ timeout: 5 }),
  };
}
