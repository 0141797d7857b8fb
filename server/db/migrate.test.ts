import { afterAll, describe, expect, it } from "bun:test";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { boot, coreMigrations } from "../boot.ts";
import { loadConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { freshDatabase } from "../testing/database.ts";
import { type Database, openDatabase } from "./index.ts";
import { appliedMigrations, migrate } from "./migrate.ts";
import { rowsOf } from "./rows.ts";

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

describe("migrations", () => {
  it("two instances booting at the same moment on one database both come up, and every migration ran once", async () => {
    const primary = await freshDatabase();
    cleanup.push(() => primary.close());
    // On Postgres the second instance gets its own connection pool; PGlite is one engine, shared.
    const second: Database = primary.url ? await openDatabase({ url: primary.url, maxConnections: 3 }) : primary;
    if (second !== primary) cleanup.push(() => second.close());
    const config = loadConfig({ LOG_LEVEL: "silent" });
    if (!config.ok) throw new Error(config.error);
    const options = {
      config: config.config,
      logger: createLogger("silent"),
      mailer: null,
      plugins: { enabled: ["kudos"] as string[] },
    };
    const [a, b] = await Promise.all([boot({ ...options, database: primary }), boot({ ...options, database: second })]);
    expect((await a.app.request("http://localhost/healthz")).status).toBe(200);
    expect((await b.app.request("http://localhost/healthz")).status).toBe(200);
    for (const owner of ["core", "kudos"]) {
      const rows = rowsOf<{ hash: string; n: number }>(
        await primary.db.execute(
          sql.raw(`select hash, count(*)::int as n from desktrust_migrations."${owner}" group by hash`),
        ),
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    }
    const coreCount = rowsOf<{ n: number }>(
      await primary.db.execute(sql`select count(*)::int as n from desktrust_migrations."core"`),
    );
    expect(coreCount[0]?.n).toBe(readMigrationFiles({ migrationsFolder: coreMigrations }).length);
  });
});

describe("reading what is applied", () => {
  it("reads every set's applied migrations at once, and a set shown up to date migrates without a statement", async () => {
    const database = await freshDatabase();
    cleanup.push(() => database.close());
    const config = loadConfig({ LOG_LEVEL: "silent" });
    if (!config.ok) throw new Error(config.error);
    const booted = await boot({
      config: config.config,
      logger: createLogger("silent"),
      mailer: null,
      database,
      plugins: { enabled: ["kudos"] },
    });
    const applied = await appliedMigrations(database.db);
    const core = readMigrationFiles({ migrationsFolder: coreMigrations }).map((m) => m.hash);
    expect([...(applied.get("core") ?? [])].sort()).toEqual([...core].sort());
    expect(applied.get("kudos")?.size).toBeGreaterThan(0);
    const sent: string[] = [];
    const stop = database.statements.subscribe({ sent: (text) => sent.push(text), changed() {} });
    try {
      const report = await migrate(database.db, { owner: "core", folder: coreMigrations }, applied);
      expect(report.applied).toEqual([]);
      expect(sent).toEqual([]);
      // Told nothing, it reads for itself.
      await migrate(database.db, { owner: "core", folder: coreMigrations });
      expect(sent.length).toBeGreaterThan(0);
    } finally {
      stop();
    }
    // A set the read did not show (a plugin added since) migrates as before.
    const none = await appliedMigrations(database.db);
    const withoutKudos = new Map([...none].filter(([owner]) => owner !== "kudos"));
    const kudos = booted.ctx.plugins.get("kudos")?.definition?.migrations ?? "";
    expect((await migrate(database.db, { owner: "kudos", folder: kudos }, withoutKudos)).applied).toEqual([]);
  });
});

describe("the PGlite template", () => {
  it("holds only core migrations that still exist unchanged, so boot applies just the newer ones", async () => {
    const { readMigrationFiles } = await import("drizzle-orm/migrator");
    const { coreMigrations } = await import("../boot.ts");
    const template = await openDatabase({});
    try {
      const applied = rowsOf<{ hash: string }>(
        await template.db.execute(sql`select hash from desktrust_migrations."core"`),
      );
      const current = new Set(readMigrationFiles({ migrationsFolder: coreMigrations }).map((m) => m.hash));
      expect(applied.length).toBeGreaterThan(0);
      for (const { hash } of applied) expect(current.has(hash)).toBe(true);
    } finally {
      await template.close();
    }
  });
});
