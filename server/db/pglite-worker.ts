/// <reference lib="webworker" />
// The embedded database's own thread: PGlite runs here and serves the Postgres wire protocol on
// a Unix socket, so the request thread never waits on a query and talks to it with the same
// driver (postgres.js) as to a real Postgres.
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { compileEngine, startParams as withCache } from "./pglite-engine.ts";
import { pgliteTemplate, unpackTemplate } from "./pglite-template.ts";
import { WireSessions } from "./wire-sessions.ts";

// First of all: the engine compiles while PGlite's JavaScript loads and a first start unpacks
// its data directory.
const engine = compileEngine();
engine.catch(() => {}); // see compiledEngine

/** `PGlite.create`'s option for the engine compiled above; none if that failed (PGlite loads it). */
async function compiledEngine(): Promise<{ pgliteWasmModule?: WebAssembly.Module }> {
  const pgliteWasmModule = await engine.catch(() => undefined);
  return pgliteWasmModule ? { pgliteWasmModule } : {};
}

/** What the opening thread sends first. */
export interface WorkerStart {
  type: "start";
  /** `undefined` keeps the database in memory (tests). */
  dataDir: string | undefined;
  socketPath: string;
  /** `shared_buffers`, in megabytes. */
  cacheMb: number;
}

export type WorkerReply =
  | { type: "progress"; step: string }
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "closed" };

declare const self: Worker;

let pg: PGlite | undefined;
let sessions: WireSessions | undefined;
let server: ReturnType<typeof createServer> | undefined;

function reply(message: WorkerReply): void {
  self.postMessage(message);
}

async function start({ dataDir, socketPath, cacheMb }: WorkerStart): Promise<void> {
  const { PGlite } = await import("@electric-sql/pglite");
  const startParams = withCache(PGlite.defaultStartParams, cacheMb);
  if (dataDir === undefined) {
    pg = await PGlite.create({ loadDataDir: await pgliteTemplate(), startParams, ...(await compiledEngine()) });
  } else {
    const dir = resolve(dataDir, "pgdata");
    const isNew = !existsSync(join(dir, "PG_VERSION"));
    if (isNew) {
      reply({ type: "progress", step: "creating the embedded database" });
      // Without a template for this PGlite version, PGlite runs its own initdb in the folder.
      if (!(await unpackTemplate(dir))) mkdirSync(dir, { recursive: true });
    }
    pg = await PGlite.create(dir, { startParams, ...(await compiledEngine()) });
  }
  const db = pg;
  sessions = new WireSessions({
    exec: (messages) => db.execProtocolRaw(messages),
    inTransaction: () => db.isInTransaction(),
  });
  const wire = sessions;
  server = createServer((socket) => wire.attach(socket));
  await new Promise<void>((ok, fail) => {
    server?.once("error", fail);
    server?.listen(socketPath, () => ok());
  });
}

async function close(): Promise<void> {
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  await sessions?.close();
  await pg?.close();
}

self.onmessage = (event: MessageEvent<WorkerStart | { type: "close" }>) => {
  const message = event.data;
  if (message.type === "start") {
    start(message).then(
      () => reply({ type: "ready" }),
      (error: unknown) => reply({ type: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
  } else if (message.type === "close") {
    close().then(
      () => reply({ type: "closed" }),
      () => reply({ type: "closed" }),
    );
  }
};
