import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { boot } from "../boot.ts";
import { fixedClock } from "../clock.ts";
import { loadConfig } from "../config.ts";
import type { AppContext } from "../context.ts";
import { type Db, openDatabase } from "../db/index.ts";
import { rowsOf } from "../db/rows.ts";
import { createLogger } from "../log.ts";
import { loadDemo } from "../org/setup-service.ts";
import { freshDatabase } from "../testing/database.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { makeBackup } from "./backup.ts";
import { backupTables, qualified } from "./catalog.ts";
import { restoreBackup } from "./restore.ts";

/** Every application table's row count and a fingerprint of all its rows (generated columns included). */
export async function tableFingerprints(db: Db): Promise<Record<string, { rows: number; md5: string }>> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local timezone = 'UTC'`);
    const result: Record<string, { rows: number; md5: string }> = {};
    for (const table of await backupTables(tx)) {
      const [row] = rowsOf<{ rows: number; md5: string }>(
        await tx.execute(
          sql.raw(`select count(*)::int as rows, coalesce(md5(string_agg(j, E'\\n' order by j)), '') as md5
            from (select row_to_json(t)::text as j from ${qualified(table)} t) s`),
        ),
      );
      result[qualified(table)] = row ?? { rows: 0, md5: "" };
    }
    return result;
  });
}

async function loadDemoOrg(ctx: AppContext): Promise<void> {
  if (!(await loadDemo(ctx)).ok) throw new Error("the demo did not load");
}

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "desktrust-backup-"));
  dirs.push(dir);
  return dir;
};

let t: TestApp;
let before: Record<string, { rows: number; md5: string }>;
beforeAll(async () => {
  t = await testApp({ plugins: "*", setup: false });
  await loadDemoOrg(t.ctx);
  before = await tableFingerprints(t.ctx.db);
}, 120_000);
afterAll(async () => {
  await t.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("backup and restore of the demo organization", () => {
  it("restores every table's rows exactly into an empty database", async () => {
    const backup = await makeBackup(t.ctx, { trigger: "cli", directory: tempDir(), format: "logical" });
    expect(backup.sha256).toMatch(/^[0-9a-f]{64}$/);
    const target = await freshDatabase();
    try {
      const result = await restoreBackup(target, join(backup.directory, backup.fileName), { force: false });
      expect(result).toMatchObject({ ok: true, format: "logical" });
      const after = await tableFingerprints(target.db);
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      expect(before['"public"."people"']?.rows).toBeGreaterThan(10);
      for (const [table, fingerprint] of Object.entries(before))
        expect({ table, ...after[table] }).toEqual({ table, ...fingerprint });
    } finally {
      await target.close();
    }
  }, 120_000);

  it("refuses a target that holds data unless forced, then replaces it", async () => {
    const backup = await makeBackup(t.ctx, { trigger: "cli", directory: tempDir(), format: "logical" });
    const file = join(backup.directory, backup.fileName);
    const current = await tableFingerprints(t.ctx.db);
    const refused = await restoreBackup(t.ctx.database, file, { force: false });
    expect(refused).toMatchObject({ ok: false, reason: "not-empty" });
    expect(await tableFingerprints(t.ctx.db)).toEqual(current);
    const forced = await restoreBackup(t.ctx.database, file, { force: true });
    expect(forced).toMatchObject({ ok: true });
    // Everything is as the snapshot saw it; the backup's own record was written after it.
    const { '"public"."backups"': restoredLog, ...restored } = await tableFingerprints(t.ctx.db);
    const { '"public"."backups"': currentLog, ...expected } = current;
    expect(restored).toEqual(expected);
    expect(restoredLog?.rows).toBe((currentLog?.rows ?? 0) - 1);
  }, 120_000);

  it("rejects a damaged or truncated file and leaves the target untouched", async () => {
    const backup = await makeBackup(t.ctx, { trigger: "cli", directory: tempDir(), format: "logical" });
    const file = join(backup.directory, backup.fileName);
    const bytes = await Bun.file(file).bytes();
    const truncated = join(tempDir(), "truncated.jsonl.gz");
    writeFileSync(truncated, bytes.slice(0, Math.floor(bytes.length / 2)));
    const target = await freshDatabase();
    try {
      const empty = await tableFingerprints(target.db);
      expect(await restoreBackup(target, truncated, { force: false })).toMatchObject({ ok: false, reason: "corrupt" });
      expect(await tableFingerprints(target.db)).toEqual(empty);
      // A file whose bytes no longer match its manifest is refused before anything is touched.
      writeFileSync(`${truncated}.json`, await Bun.file(`${file}.json`).text());
      const mismatch = await restoreBackup(target, truncated, { force: true });
      expect(mismatch).toMatchObject({ ok: false, reason: "corrupt" });
      expect(mismatch.ok || mismatch.message).toContain("manifest");
    } finally {
      await target.close();
    }
  }, 120_000);
});

/** A logical backup whose last row with a `created_at` holds a value Postgres refuses. */
function withBadTimestamp(gz: Uint8Array): Uint8Array {
  const lines = new TextDecoder().decode(Bun.gunzipSync(gz as Uint8Array<ArrayBuffer>)).split("\n");
  const at = lines.findLastIndex((line) => !line.startsWith('{"@') && line.includes('"created_at":"'));
  if (at < 0) throw new Error("no row with created_at");
  lines[at] = (lines[at] as string).replace('"created_at":"', '"created_at":"not a time ');
  return Bun.gzipSync(new TextEncoder().encode(lines.join("\n")));
}

/** The same bytes with every `from` replaced by `to` (same length, so the file's layout holds). */
function replacedBytes(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  if (!text.includes(from) || from.length !== to.length) throw new Error(`cannot replace ${from}`);
  return Buffer.from(text.replaceAll(from, to), "latin1");
}

describe("a damaged backup restored over a database that holds data", () => {
  it("fails part-way through and leaves every table as it was (logical backup)", async () => {
    const backup = await makeBackup(t.ctx, { trigger: "cli", directory: tempDir(), format: "logical" });
    const bytes = await Bun.file(join(backup.directory, backup.fileName)).bytes();
    const dir = tempDir();
    // Cut near the end (most rows already loaded when the break shows), and a row Postgres refuses.
    const cut = join(dir, "cut.jsonl.gz");
    writeFileSync(cut, bytes.slice(0, Math.floor(bytes.length * 0.95)));
    const refused = join(dir, "refused.jsonl.gz");
    writeFileSync(refused, withBadTimestamp(bytes));
    const current = await tableFingerprints(t.ctx.db);
    for (const file of [cut, refused]) {
      const result = await restoreBackup(t.ctx.database, file, { force: true });
      expect(result).toMatchObject({ ok: false, reason: "corrupt" });
      expect(await tableFingerprints(t.ctx.db)).toEqual(current);
    }
  }, 120_000);

  it.skipIf(!process.env.TEST_DATABASE_URL || !Bun.which("pg_dump") || !Bun.which("psql"))(
    "fails part-way through and leaves every table as it was (pg_dump backup)",
    async () => {
      const databaseUrl = (t.ctx.database as { url?: string }).url;
      const backup = await makeBackup(t.ctx, { trigger: "cli", directory: tempDir(), databaseUrl });
      expect(backup.format).toBe("pg_dump");
      const bytes = await Bun.file(join(backup.directory, backup.fileName)).bytes();
      const dir = tempDir();
      const cut = join(dir, "cut.dump");
      writeFileSync(cut, bytes.slice(0, Math.floor(bytes.length * 0.95)));
      // Tables and rows load, then the indexes (created last) fail: the drops and rows must go back.
      const broken = join(dir, "broken-index.dump");
      writeFileSync(broken, replacedBytes(bytes, "CREATE INDEX", "CREATE INDEZ"));
      const target = await freshDatabase();
      try {
        const good = await restoreBackup(target, join(backup.directory, backup.fileName), {
          force: false,
          databaseUrl: target.url,
        });
        expect(good).toMatchObject({ ok: true, format: "pg_dump" });
        const restored = await tableFingerprints(target.db);
        expect(restored['"public"."people"']?.rows).toBeGreaterThan(10);
        for (const file of [cut, broken]) {
          const result = await restoreBackup(target, file, { force: true, databaseUrl: target.url });
          expect(result).toMatchObject({ ok: false, reason: "corrupt" });
          expect(await tableFingerprints(target.db)).toEqual(restored);
        }
      } finally {
        await target.close();
      }
    },
    120_000,
  );
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("moving from the embedded database to Postgres", () => {
  it("restores a backup made on PGlite into Postgres with every row intact", async () => {
    const config = loadConfig({ LOG_LEVEL: "silent" });
    if (!config.ok) throw new Error(config.error);
    const embedded = await boot({
      config: config.config,
      database: await openDatabase({}),
      logger: createLogger("silent"),
      mailer: null,
      clock: fixedClock("2026-03-02T09:00:00Z"),
      plugins: { enabled: "*" },
    });
    const target = await freshDatabase();
    try {
      expect(embedded.ctx.database.driver).toBe("pglite");
      await loadDemoOrg(embedded.ctx);
      const source = await tableFingerprints(embedded.ctx.db);
      const backup = await makeBackup(embedded.ctx, { trigger: "cli", directory: tempDir() });
      expect(backup.format).toBe("logical");
      const result = await restoreBackup(target, join(backup.directory, backup.fileName), { force: false });
      expect(result).toMatchObject({ ok: true });
      expect(target.driver).toBe("postgres");
      expect(await tableFingerprints(target.db)).toEqual(source);
    } finally {
      await embedded.close();
      await target.close();
    }
  }, 180_000);
});

describe.skipIf(!process.env.TEST_DATABASE_URL || !Bun.which("pg_dump"))("pg_dump backups on Postgres", () => {
  it("uses a compatible pg_dump and restores its file with pg_restore", async () => {
    const databaseUrl = (t.ctx.database as { url?: string }).url;
    const backup = await makeBackup(t.ctx, { trigger: "cli", directory: tempDir(), databaseUrl });
    expect(backup.format).toBe("pg_dump");
    const current = await tableFingerprints(t.ctx.db);
    const target = await freshDatabase();
    try {
      const result = await restoreBackup(target, join(backup.directory, backup.fileName), {
        force: false,
        databaseUrl: target.url,
      });
      expect(result).toMatchObject({ ok: true, format: "pg_dump" });
      const { '"public"."backups"': restoredLog, ...restored } = await tableFingerprints(target.db);
      const { '"public"."backups"': currentLog, ...expected } = current;
      expect(restored).toEqual(expected);
      expect(restoredLog?.rows).toBe((currentLog?.rows ?? 0) - 1);
    } finally {
      await target.close();
    }
  }, 120_000);
});
