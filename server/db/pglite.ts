import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockDataDir } from "./data-dir-lock.ts";
import type { Database } from "./index.ts";
import type { WorkerReply, WorkerStart } from "./pglite-worker.ts";
import { openPostgres } from "./postgres.ts";
import type { TransactionScopeOptions } from "./transaction-scope.ts";

export interface PgliteOptions {
  /** `undefined` keeps the database in memory (tests). */
  dataDir: string | undefined;
  max: number;
  transactions: TransactionScopeOptions;
  onProgress?: (step: string) => void;
}

/** Raised when another process owns the data directory. */
export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
}

const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Starts PGlite in its own thread, serving the Postgres wire protocol on a private Unix socket,
 * and connects postgres.js to it: queries never run on the request thread, and the app speaks
 * to the embedded database exactly as to Postgres. A new database is restored from the
 * pre-initialized data directory shipped with the app (PGlite's own initdb takes seconds).
 */
export async function openPglite(options: PgliteOptions): Promise<Database> {
  let lock: { release(): void } | undefined;
  if (options.dataDir !== undefined) {
    mkdirSync(options.dataDir, { recursive: true });
    const claim = lockDataDir(options.dataDir);
    if (!claim.ok) throw new DataDirInUseError(claim.message);
    lock = claim;
  }
  // A private directory (mode 0700) keeps other local users off the socket.
  const socketDir = mkdtempSync(join(tmpdir(), "desktrust-db-"));
  const socketPath = join(socketDir, ".s.PGSQL.5432");
  const worker = new Worker(new URL("./pglite-worker.ts", import.meta.url).href);
  // The thread alone never keeps the process alive: open connections and the server do.
  (worker as Worker & { unref(): void }).unref();
  const cleanup = (): void => {
    lock?.release();
    rmSync(socketDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((ready, fail) => {
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.type === "ready") ready();
        else if (reply.type === "failed") fail(new Error(`the embedded database did not start: ${reply.message}`));
        else if (reply.type === "progress") options.onProgress?.(reply.step);
      };
      worker.onerror = (event) => fail(new Error(`the embedded database did not start: ${event.message}`));
      worker.postMessage({ type: "start", dataDir: options.dataDir, socketPath } satisfies WorkerStart);
    });
  } catch (error) {
    worker.terminate();
    cleanup();
    throw error;
  }
  const pool = openPostgres({ socketPath, max: options.max, transactions: options.transactions }, "pglite");
  let closing: Promise<void> | undefined;
  return {
    ...pool,
    close() {
      closing ??= (async () => {
        await pool.close();
        // PGlite shuts down cleanly (checkpoint, files closed) before its thread ends.
        await new Promise<void>((done) => {
          const timer = setTimeout(done, CLOSE_TIMEOUT_MS);
          worker.onmessage = (event: MessageEvent<WorkerReply>) => {
            if (event.data.type === "closed") {
              clearTimeout(timer);
              done();
            }
          };
          worker.postMessage({ type: "close" });
        });
        worker.terminate();
        cleanup();
      })();
      return closing;
    },
  };
}
