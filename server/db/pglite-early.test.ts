import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { loadConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { configuredDatabase, openConfiguredDatabase } from "./index.ts";
import { openPglite } from "./pglite.ts";
import { DataDirInUseError, DEFAULT_PGLITE_CACHE_MB, startPgliteThread } from "./pglite-thread.ts";
import { rowsOf } from "./rows.ts";

// The server starts the embedded database's thread before importing the app and gets its handle
// at once, so its own start-up work runs while the engine opens.
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const transactions = { policy: "route" } as const;

describe("the embedded database started early", () => {
  it("hands its handle over before the engine answers; a query sent meanwhile waits and succeeds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "desktrust-early-"));
    dirs.push(dir);
    const thread = startPgliteThread(dir);
    let engineReady = false;
    void thread.ready.then(() => {
      engineReady = true;
    });
    const database = await openPglite({ dataDir: dir, max: 2, transactions, thread });
    try {
      expect(engineReady).toBe(false);
      const [row] = rowsOf<{ n: number }>(await database.db.execute(sql`select 41 + 1 as n`));
      expect(row?.n).toBe(42);
      expect(engineReady).toBe(true);
    } finally {
      await database.close();
    }
  });

  it("fails the first query with the reason when the data directory is taken, and never connects elsewhere", async () => {
    const dir = mkdtempSync(join(tmpdir(), "desktrust-early-"));
    dirs.push(dir);
    // Held by a live process on another machine sharing the directory.
    writeFileSync(
      join(dir, "desktrust.lock"),
      JSON.stringify({ pid: 1, host: "another-machine", since: new Date().toISOString() }),
    );
    const second = await openPglite({ dataDir: dir, max: 1, transactions, thread: startPgliteThread(dir) });
    try {
      const failure = await second.db.execute(sql`select 1`).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure?.cause).toBeInstanceOf(DataDirInUseError);
      expect(String((failure?.cause as Error | undefined)?.message)).toContain(
        "is in use by another DeskTrust process",
      );
    } finally {
      await second.close();
    }
  });

  it("opens the engine with PGLITE_CACHE_MB as its page cache, the early thread included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "desktrust-early-"));
    dirs.push(dir);
    const loaded = loadConfig({ DATA_DIR: dir, PGLITE_CACHE_MB: "24" });
    if (!loaded.ok) throw new Error(loaded.error);
    const thread = startPgliteThread(dir, { cacheMb: 24 });
    const database = await openConfiguredDatabase(loaded.config, createLogger("silent"), thread);
    try {
      const [row] = rowsOf<{ shared_buffers: string }>(await database.db.execute(sql`show shared_buffers`));
      expect(row?.shared_buffers).toBe("24MB");
    } finally {
      await database.close();
    }
    // The thread was the one started early: closing the database freed the directory.
    const again = await openPglite({ dataDir: dir, max: 1, transactions });
    try {
      const [row] = rowsOf<{ shared_buffers: string }>(await again.db.execute(sql`show shared_buffers`));
      expect(row?.shared_buffers).toBe(`${DEFAULT_PGLITE_CACHE_MB}MB`);
    } finally {
      await again.close();
    }
  });
});

describe("the database a config names", () => {
  it("is PGlite in DATA_DIR with PGLITE_CACHE_MB, for the server and every command alike", () => {
    const embedded = loadConfig({ DATA_DIR: "/srv/desk", PGLITE_CACHE_MB: "48" });
    const server = loadConfig({ DATA_DIR: "/srv/desk", DATABASE_URL: "postgres://db.example.com/desk" });
    if (!embedded.ok || !server.ok) throw new Error("config refused");
    expect(configuredDatabase(embedded.config)).toEqual({ url: undefined, dataDir: "/srv/desk", pgliteCacheMb: 48 });
    expect(configuredDatabase(server.config)).toMatchObject({
      url: "postgres://db.example.com/desk",
      dataDir: undefined,
    });
  });
});
