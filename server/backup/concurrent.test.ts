import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { rowsOf } from "../db/rows.ts";
import { auditLog } from "../org/schema.ts";
import { freshDatabase } from "../testing/database.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { makeBackup } from "./backup.ts";
import { restoreBackup } from "./restore.ts";

const WRITERS = 50;
let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await testApp();
  dir = mkdtempSync(join(tmpdir(), "desktrust-concurrent-"));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a backup taken while 50 clients write", () => {
  it("holds every write acknowledged before it started, and each client's writes as an unbroken prefix", async () => {
    const acknowledged = new Array<number>(WRITERS).fill(0);
    let writing = true;
    const writers = Array.from({ length: WRITERS }, async (_, writer) => {
      for (let n = 1; writing; n++) {
        await t.ctx.db.insert(auditLog).values({ action: `writer-${writer}`, target: String(n), at: t.clock.now() });
        acknowledged[writer] = n;
      }
    });
    while (acknowledged.reduce((a, b) => a + b, 0) < 200) await Bun.sleep(10);
    const before = [...acknowledged];
    const backup = await makeBackup(t.ctx, { trigger: "cli", directory: dir, format: "logical" });
    writing = false;
    await Promise.all(writers);

    const target = await freshDatabase();
    try {
      expect(await restoreBackup(target, join(dir, backup.fileName), { force: false })).toMatchObject({ ok: true });
      const rows = rowsOf<{ action: string; n: number; most: number }>(
        await target.db.execute(sql`
          select action, count(*)::int as n, max(target::int) as most from audit_log
          where action like 'writer-%' group by action`),
      );
      const restored = new Map(rows.map((r) => [r.action, r]));
      for (let writer = 0; writer < WRITERS; writer++) {
        const row = restored.get(`writer-${writer}`) ?? { n: 0, most: 0 };
        // Nothing acknowledged before the snapshot is missing, and nothing is out of order.
        expect(row.most).toBeGreaterThanOrEqual(before[writer] as number);
        expect(row.n).toBe(row.most);
      }
    } finally {
      await target.close();
    }
  }, 120_000);
});
