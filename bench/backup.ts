// Built-in logical backup and restore against pg_dump --format=custom / pg_restore of the same
// data, in the same run (ratio column). The data is the demo organization, or whatever a database
// holds already (say, after seeding a 1,000-person organization):
//
//   npx bun bench/backup.ts                              the demo, in a new Postgres database
//   npx bun bench/backup.ts --from postgres://…/desktrust  that database as it is (only read)
//   npx bun bench/backup.ts --from ./data                a PGlite data directory (server stopped)
//
// Restores and the baseline go into scratch databases on BENCH_DATABASE_URL's server (default
// postgres://postgres@127.0.0.1:5432/postgres), created and dropped here. A PGlite source has no
// pg_dump of its own: its backup is restored into Postgres and pg_dump times that copy of the
// same rows; its restore into PGlite is printed too, without a baseline.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { appVersion } from "../server/backup/backup.ts";
import { openLineFile } from "../server/backup/backup-file.ts";
import { exportLogical } from "../server/backup/logical-export.ts";
import { restoreBackup } from "../server/backup/restore.ts";
import { boot } from "../server/boot.ts";
import { fixedClock } from "../server/clock.ts";
import { loadConfig } from "../server/config.ts";
import { type Database, openDatabase } from "../server/db/index.ts";
import { rowsOf } from "../server/db/rows.ts";
import { createLogger } from "../server/log.ts";
import { loadDemo } from "../server/org/setup-service.ts";
import { root, table } from "./lib.ts";

const args = process.argv.slice(2);
const from = args[0] === "--from" ? args[1] : undefined;
if (args.length && (args[0] !== "--from" || !from || args.length > 2)) {
  console.error("usage: bun bench/backup.ts [--from <postgres URL | PGlite data directory>]");
  process.exit(2);
}
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const work = mkdtempSync(join(tmpdir(), "desktrust-bench-backup-"));
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
const created: string[] = [];

async function scratchDatabase(): Promise<string> {
  const name = `desktrust_bench_${Date.now().toString(36)}_${created.length}`;
  await admin.unsafe(`create database "${name}"`);
  created.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

/** The demo organization in a new Postgres database; returns its URL. */
async function demoDatabase(): Promise<string> {
  const url = await scratchDatabase();
  const config = loadConfig({ LOG_LEVEL: "silent", BACKUP_SCHEDULE: "off", DATABASE_URL: url });
  if (!config.ok) throw new Error(config.error);
  const booted = await boot({
    config: config.config,
    database: await openDatabase({ url }),
    logger: createLogger("silent"),
    mailer: null,
    clock: fixedClock(new Date()),
  });
  if (!(await loadDemo(booted.ctx)).ok) throw new Error("the demo did not load");
  await booted.close();
  return url;
}

/** What `desktrust backup` writes with BACKUP_FORMAT=logical (without its bookkeeping row). */
async function logicalBackup(source: Database, file: string): Promise<{ tables: number; rows: number }> {
  const out = openLineFile(`${file}.partial`);
  const summary = await exportLogical(
    source.db,
    {
      sets: [{ owner: "core", folder: join(root, "migrations") }],
      pluginsDir: join(root, "plugins"),
      appVersion,
      driver: source.driver,
      now: new Date(),
    },
    out.writeLine,
  );
  await out.finish(file);
  return summary;
}

async function people(db: Database["db"]): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from public.people`));
  return row?.n ?? 0;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (n: number): string => `${n.toFixed(0)} ms`;
const ratio = (ours: number, theirs: number): string => (ours / theirs).toFixed(2);

try {
  const pgliteDir = from && !/^postgres(ql)?:\/\//.test(from) ? resolve(from) : undefined;
  const sourceUrl = pgliteDir ? undefined : (from ?? (await demoDatabase()));
  const source = await openDatabase(pgliteDir ? { dataDir: pgliteDir } : { url: sourceUrl });
  const what = from ? `${pgliteDir ? "PGlite" : "Postgres"} ${from}` : "the demo organization (Postgres)";
  const headcount = await people(source.db);

  const file = join(work, "backup.jsonl.gz");
  const [summary, backupMs] = await timed(() => logicalBackup(source, file));
  await source.close();
  const size = statSync(file).size;

  // Restore into Postgres: where pg_restore gives the baseline.
  const restoredUrl = await scratchDatabase();
  const restoredPg = await openDatabase({ url: restoredUrl });
  const [restored, restoreMs] = await timed(() => restoreBackup(restoredPg, file, { force: false }));
  await restoredPg.close();
  if (!restored.ok) throw new Error(restored.message);

  const rows: (string | number)[][] = [];
  const pgDump = Bun.which("pg_dump");
  const pgRestore = Bun.which("pg_restore");
  if (pgDump && pgRestore) {
    // The same rows: the source itself, or (for PGlite) the Postgres copy just restored.
    const dumpFrom = sourceUrl ?? restoredUrl;
    const dumpFile = join(work, "baseline.dump");
    const [dumped, dumpMs] = await timed(() => Bun.spawn([pgDump, "-Fc", `--file=${dumpFile}`, dumpFrom]).exited);
    const target = await scratchDatabase();
    const [loaded, pgRestoreMs] = await timed(
      () => Bun.spawn([pgRestore, "--no-owner", "--single-transaction", `--dbname=${target}`, dumpFile]).exited,
    );
    if (dumped !== 0 || loaded !== 0) throw new Error("pg_dump or pg_restore failed");
    const dumpSize = statSync(dumpFile).size;
    rows.push(["backup time", ms(backupMs), ms(dumpMs), ratio(backupMs, dumpMs)]);
    rows.push(["backup size", kb(size), kb(dumpSize), ratio(size, dumpSize)]);
    rows.push(["restore time (Postgres)", ms(restoreMs), ms(pgRestoreMs), ratio(restoreMs, pgRestoreMs)]);
  } else {
    console.log("pg_dump/pg_restore not on PATH: printing the built-in backup alone, without a ratio.");
    rows.push(["backup time", ms(backupMs), "—", "—"], ["backup size", kb(size), "—", "—"]);
    rows.push(["restore time (Postgres)", ms(restoreMs), "—", "—"]);
  }
  if (pgliteDir) {
    const restoredPglite = await openDatabase({});
    const [, pgliteRestoreMs] = await timed(() => restoreBackup(restoredPglite, file, { force: false }));
    await restoredPglite.close();
    rows.push(["restore time (PGlite)", ms(pgliteRestoreMs), "—", "—"]);
  }

  console.log(
    `Backup of ${what}: ${headcount} people, ${summary.tables} tables, ${summary.rows} rows; built-in logical backup vs pg_dump -Fc / pg_restore:`,
  );
  console.log(table(["measure", "DeskTrust", "pg_dump/pg_restore", "ratio"], rows));
} finally {
  for (const name of created) await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
  rmSync(work, { recursive: true, force: true });
}
