// Builds the upgrade fixture: an embedded (PGlite) data directory written by a release, with
// the demo organization, as PGlite's own gzipped dump, plus every table's row count.
// Run it from a checkout of the PREVIOUS release (so the fixture is what upgraders have):
//   bun run scripts/upgrade-fixture.ts test/fixtures/upgrade-<version>.tar.gz
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { boot } from "../server/boot.ts";
import { loadConfig } from "../server/config.ts";
import { loadDemo } from "../server/org/setup-service.ts";

const out = process.argv[2];
if (!out) throw new Error("usage: bun run scripts/upgrade-fixture.ts <out.tar.gz>");
const dataDir = mkdtempSync(join(tmpdir(), "desktrust-fixture-"));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "warn", BASE_URL: "http://localhost:3000" });
if (!config.ok) throw new Error(config.error);
const booted = await boot({ config: config.config, mailer: null });
if (!(await loadDemo(booted.ctx)).ok) throw new Error("the demo did not load");
await booted.close();

const pg = await PGlite.create(join(dataDir, "pgdata"));
const tables = await pg.query<{ name: string; rows: number }>(`
  select format('%I.%I', schemaname, relname) as name, 0 as rows from pg_stat_user_tables order by 1`);
const counts: Record<string, number> = {};
for (const { name } of tables.rows) {
  const result = await pg.query<{ n: number }>(`select count(*)::int as n from ${name}`);
  counts[name] = result.rows[0]?.n ?? 0;
}
// Two checkpoints: the second lets PGlite drop the WAL the demo load wrote.
await pg.exec("checkpoint");
await pg.exec("select pg_switch_wal()");
await pg.exec("checkpoint");
await Bun.write(out, await pg.dumpDataDir("gzip"));
await Bun.write(out.replace(/\.tar\.gz$/, ".counts.json"), `${JSON.stringify(counts, null, 2)}\n`);
await pg.close();
rmSync(dataDir, { recursive: true, force: true });
console.log(`wrote ${out} (${(Bun.file(out).size / 1024).toFixed(0)} KB)`);
