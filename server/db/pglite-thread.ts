import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockDataDir } from "./data-dir-lock.ts";
import type { WorkerReply, WorkerStart } from "./pglite-worker.ts";

/** The embedded database could not start: its queries fail with this as their cause. */
export class EmbeddedStartError extends Error {
  override name = "EmbeddedStartError";
}

/** Raised when another process owns the data directory. */
export class DataDirInUseError extends EmbeddedStartError {
  override name = "DataDirInUseError";
}

const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Memory the embedded database keeps for table and index pages (Postgres's `shared_buffers`),
 * in megabytes, unless `PGLITE_CACHE_MB` says otherwise. PGlite's own default, 128 MB, is
 * allocated and cleared inside its WebAssembly memory at every open: that took 0.4 of a 0.7 s
 * open (after compiling the engine), where 16 MB takes 0.3 s in all. The files stay in the
 * operating system's cache, so a page found there instead costs a read call, not the disk.
 */
export const DEFAULT_PGLITE_CACHE_MB = 16;

export interface PgliteThreadOptions {
  /** `shared_buffers` in megabytes (`DEFAULT_PGLITE_CACHE_MB`). */
  cacheMb?: number | undefined;
}

/** The embedded database's thread: PGlite serving the wire protocol on a private socket. */
export interface PgliteThread {
  /** The data directory it opened (`undefined`: in memory). */
  dataDir: string | undefined;
  /** Its page cache (`shared_buffers`), in megabytes. */
  cacheMb: number;
  socketPath: string;
  /** Settles when the database answers on the socket, or fails to start. */
  ready: Promise<void>;
  /** Receives what a slow first start is doing, including steps reported before it was called. */
  onProgress(listener: (step: string) => void): void;
  /** Shuts PGlite down cleanly (checkpoint, files closed), ends the thread, frees the directory. */
  close(): Promise<void>;
}

/**
 * Claims the data directory and starts PGlite in its own thread. Needs nothing but Node's own
 * modules, so the server calls it before importing the rest of the app: the thread loads PGlite
 * while the app is imported.
 */
export function startPgliteThread(dataDir: string | undefined, options: PgliteThreadOptions = {}): PgliteThread {
  const cacheMb = options.cacheMb ?? DEFAULT_PGLITE_CACHE_MB;
  const failed = (error: Error): PgliteThread => {
    const ready = Promise.reject(error);
    ready.catch(() => {});
    return { dataDir, cacheMb, socketPath: "", ready, onProgress() {}, close: async () => {} };
  };
  let lock: { release(): void } | undefined;
  if (dataDir !== undefined) {
    try {
      mkdirSync(dataDir, { recursive: true });
      const claim = lockDataDir(dataDir);
      if (!claim.ok) return failed(new DataDirInUseError(claim.message));
      lock = claim;
    } catch (error) {
      // An unwritable DATA_DIR: reported as one line when the database is awaited.
      return failed(new EmbeddedStartError(error instanceof Error ? error.message : String(error)));
    }
  }
  // A private directory (mode 0700) keeps other local users off the socket.
  const socketDir = mkdtempSync(join(tmpdir(), "desktrust-db-"));
  const socketPath = join(socketDir, ".s.PGSQL.5432");
  const worker = new Worker(new URL("./pglite-worker.ts", import.meta.url).href);
  const cleanup = (): void => {
    lock?.release();
    rmSync(socketDir, { recursive: true, force: true });
  };
  const steps: string[] = [];
  let progress: ((step: string) => void) | undefined;
  const ready = new Promise<void>((done, fail) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === "ready") done();
      else if (reply.type === "failed")
        fail(new EmbeddedStartError(`the embedded database did not start: ${reply.message}`));
      else if (reply.type === "progress") {
        steps.push(reply.step);
        progress?.(reply.step);
      }
    };
    worker.onerror = (event) => fail(new EmbeddedStartError(`the embedded database did not start: ${event.message}`));
    worker.postMessage({ type: "start", dataDir, socketPath, cacheMb } satisfies WorkerStart);
  });
  ready.catch(() => {
    worker.terminate();
    cleanup();
  });
  // Once started, the thread alone never keeps the process alive: open connections and the
  // server do. While it starts it must: awaiting it with nothing else holding the event loop
  // open makes Bun poll that loop without pause, a core taken from the starting engine (opening
  // the thread alone took 0.43 s and 0.65 s of CPU that way, against 0.37 s and 0.29 s without).
  void ready.then(
    () => (worker as Worker & { unref(): void }).unref(),
    () => {},
  );
  let closing: Promise<void> | undefined;
  return {
    dataDir,
    cacheMb,
    socketPath,
    ready,
    onProgress(listener) {
      progress = listener;
      for (const step of steps) listener(step);
    },
    close() {
      closing ??= new Promise<void>((done) => {
        const timer = setTimeout(done, CLOSE_TIMEOUT_MS);
        worker.onmessage = (event: MessageEvent<WorkerReply>) => {
          if (event.data.type === "closed") {
            clearTimeout(timer);
            done();
          }
        };
        worker.postMessage({ type: "close" });
      }).then(() => {
        worker.terminate();
        cleanup();
      });
      return closing;
    },
  };
}
