import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { createSession, SESSION_COOKIE } from "../auth/session.ts";
import { restoreBackup } from "../backup/restore.ts";
import { type Booted, boot } from "../boot.ts";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/index.ts";
import { rowsOf } from "../db/rows.ts";
import { createLogger } from "../log.ts";
import { findPersonByEmail } from "../people/people.ts";
import { teams } from "../people/schema.ts";

// The demo organization as release 0.1.0 wrote it, made once with scripts/upgrade-fixture.ts from
// that release's data directory: its schema history and every row, in the logical backup format.
// Loaded into an empty data directory it is that release's database; opening it with this code
// is an upgrade.
const fixture = join(import.meta.dir, "..", "..", "test", "fixtures", "upgrade-0.1.0.jsonl.gz");
const countsBefore: Record<string, number> = await Bun.file(fixture.replace(/\.jsonl\.gz$/, ".counts.json")).json();

let dataDir: string;
let booted: Booted;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "desktrust-upgrade-"));
  // Restoring rebuilds 0.1.0's schema from the migrations it had applied, and nothing newer.
  const previous = await openDatabase({ dataDir });
  const restored = await restoreBackup(previous, fixture, { force: false });
  await previous.close();
  if (!restored.ok) throw new Error(restored.message);
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent", BACKUP_SCHEDULE: "off" });
  if (!config.ok) throw new Error(config.error);
  booted = await boot({ config: config.config, mailer: null, logger: createLogger("silent") });
}, 120_000);
afterAll(async () => {
  await booted?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("upgrading a data directory from the previous release", () => {
  it("applies this release's migrations on open", () => {
    const core = booted.migrations.find((m) => m.owner === "core");
    expect(core?.applied.length).toBeGreaterThan(0);
  });

  it("keeps every row of every table the previous release had", async () => {
    const after: Record<string, number> = {};
    for (const name of Object.keys(countsBefore)) {
      const [row] = rowsOf<{ n: number }>(
        await booted.ctx.db.execute(sql.raw(`select count(*)::int as n from ${name}`)),
      );
      after[name] = row?.n ?? -1;
    }
    // Bookkeeping gains one row per migration this release applied; every other table is unchanged.
    const expected = { ...countsBefore };
    for (const report of booted.migrations) {
      const key = Object.keys(expected).find(
        (name) => name.replaceAll('"', "") === `desktrust_migrations.${report.owner}`,
      );
      if (key) expected[key] = (expected[key] ?? 0) + report.applied.length;
    }
    expect(after).toEqual(expected);
    expect(countsBefore["public.people"]).toBeGreaterThan(10);
  });

  it("renders the demo owner's pages, core and plugins, without an error", async () => {
    const owner = await findPersonByEmail(booted.ctx.db, "ada@northwind.example");
    if (!owner) throw new Error("the demo owner is missing");
    const { token } = await createSession(booted.ctx.db, owner.id, new Date());
    // Team-section links (`/activity/teams/:teamId`) are filled in on a team's page: open them for a demo team.
    const [team] = await booted.ctx.db.select({ id: teams.id }).from(teams).limit(1);
    const paths = ["/", ...booted.ctx.nav.map((item) => item.href.replace(":teamId", team?.id ?? ""))];
    for (const path of new Set(paths)) {
      const res = await booted.app.request(`http://localhost:3000${path}`, {
        headers: { Cookie: `${SESSION_COOKIE}=${token}` },
      });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  }, 120_000);
});
