// Builds the upgrade fixture: the demo organization as a release wrote it, in the logical backup
// format (the schema history that release had applied, then every row; gzipped JSON lines, a
// few hundred KB where a copy of the data directory is megabytes), plus every table's row count.
// Run it from a checkout of the PREVIOUS release (so the fixture is what upgraders have):
//   bun run scripts/upgrade-fixture.ts test/fixtures/upgrade-<version>.jsonl.gz
// or convert an archive of a data directory that release wrote (PGlite's dumpDataDir):
//   bun run scripts/upgrade-fixture.ts test/fixtures/upgrade-<version>.jsonl.gz --from-archive old.tar.gz
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { openLineFile } from "../server/backup/backup-file.ts";
import { exportLogical } from "../server/backup/logical-export.ts";
import { boot } from "../server/boot.ts";
import { loadConfig } from "../server/config.ts";
import { openDatabase } from "../server/db/index.ts";
import { rowsOf } from "../server/db/rows.ts";
import { loadDemo } from "../server/org/setup-service.ts";

const [out, flag, archive] = process.argv.slice(2);
if (!out?.endsWith(".jsonl.gz") || (flag !== undefined && (flag !== "--from-archive" || !archive))) {
  throw new Error("usage: bun run scripts/upgrade-fixture.ts <out.jsonl.gz> [--from-archive <data-dir.tar.gz>]");
}
const root = join(import.meta.dir, "..");
const dataDir = mkdtempSync(join(tmpdir(), "desktrust-fixture-"));
try {
  if (archive) {
    const loaded = await PGlite.create(join(dataDir, "pgdata"), {
      loadDataDir: new Blob([await Bun.file(archive).arrayBuffer()]),
    });
    await loaded.close();
  } else {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "warn", BACKUP_SCHEDULE: "off" });
    if (!config.ok) throw new Error(config.error);
    const booted = await boot({ config: config.config, mailer: null });
    if (!(await loadDemo(booted.ctx)).ok) throw new Error("the demo did not load");
    await booted.close();
  }

  // Opened without booting: nothing migrates, the data stays as that release left it.
  const database = await openDatabase({ dataDir });
  try {
    const tables = rowsOf<{ name: string }>(
      await database.db.execute(
        sql`select format('%I.%I', schemaname, relname) as name from pg_stat_user_tables order by 1`,
      ),
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = rowsOf<{ n: number }>(await database.db.execute(sql.raw(`select count(*)::int as n from ${name}`)));
      counts[name] = row?.n ?? 0;
    }
    const file = openLineFile(`${out}.partial`);
    const summary = await exportLogical(
      database.db,
      {
        sets: [{ owner: "core", folder: join(root, "migrations") }],
        pluginsDir: join(root, "plugins"),
        appVersion: (await Bun.file(join(root, "package.json")).json()).version,
        driver: "pglite",
        now: new Date(),
      },
      file.writeLine,
    );
    const written = await file.finish(resolve(out));
    await Bun.write(out.replace(/\.jsonl\.gz$/, ".counts.json"), `${JSON.stringify(counts, null, 2)}\n`);
    console.log(
      `wrote ${out}: ${summary.tables} tables, ${summary.rows} rows, ${(written.sizeBytes / 1024).toFixed(0)} KB`,
    );
  } finally {
    await database.close();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
