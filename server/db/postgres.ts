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
  readArrayTypesOnce(client.options as unknown as ArrayTypeOptions);
  const statements = new StatementEvents();
  const db = drizzle(scopeTransactions(client, { ...options.transactions, statements })) as unknown as Db;
  return {
    db,
    driver,
    statements,
    close: () => client.end({ timeout: 5 }),
  };
}

export interface ArrayTypeOptions {
  fetch_types: boolean;
  shared: { typeArrayMap: Record<number, number> };
}

/**
 * postgres.js reads the array types from the catalog on every new connection and reconnection,
 * though what it learns (the parsers and serializers) belongs to the whole pool. Once one
 * connection has read them, the others skip it: on the embedded database each such read takes
 * the single engine for a few milliseconds, ahead of everyone's queries, and a pool opens up to
 * four connections at once when a burst of requests arrives.
 */
export function readArrayTypesOnce(options: ArrayTypeOptions): void {
  if (!options.fetch_types) return;
  Object.defineProperty(options, "fetch_types", {
    configurable: true,
    get: () => Object.keys(options.shared.typeArrayMap).length === 0,
  });
}
