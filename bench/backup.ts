// Backup and restore of the demo organization on Postgres: the built-in logical export and
// restore against pg_dump --format=custom / pg_restore of the same database, in the same run.
// Also times the logical export on PGlite (no external baseline exists there).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { makeBackup } from "../server/backup/backup.ts";
import { restoreBackup } from "../server/backup/restore.ts";
import { boot } from "../server/boot.ts";
import { fixedClock } from "../server/clock.ts";
import { loadConfig } from "../server/config.ts";
import { openDatabase } from "../server/db/index.ts";
import { createLogger } from "../server/log.ts";
import { loadDemo } from "../server/org/setup-service.ts";
import { table } from "./lib.ts";

const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const work = mkdtempSync(join(tmpdir(), "desktrust-bench-backup-"));
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
const created: string[] = [];

async function newDatabase(): Promise<string> {
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

async function demoApp(url: string | undefined) {
  const config = loadConfig({ LOG_LEVEL: "silent", BACKUP_SCHEDULE: "off", ...(url ? { DATABASE_URL: url } : {}) });
  if (!config.ok) throw new Error(config.error);
  const booted = await boot({
    config: config.config,
    database: await openDatabase({ url }),
    logger: createLogger("silent"),
    mailer: null,
    clock: fixedClock(new Date()),
  });
  if (!(await loadDemo(booted.ctx)).ok) throw new Error("the demo did not load");
  return booted;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (n: number): string => `${n.toFixed(0)} ms`;

try {
  const rows: (string | number)[][] = [];
  const sourceUrl = await newDatabase();
  const source = await demoApp(sourceUrl);
  const [logical, backupMs] = await timed(() =>
    makeBackup(source.ctx, { trigger: "cli", directory: work, format: "logical" }),
  );
  const logicalFile = join(work, logical.fileName);
  const target = await openDatabase({ url: await newDatabase() });
  const [, restoreMs] = await timed(() => restoreBackup(target, logicalFile, { force: false }));
  await target.close();

  const pgDump = Bun.which("pg_dump");
  const pgRestore = Bun.which("pg_restore");
  if (pgDump && pgRestore) {
    const dumpFile = join(work, "baseline.dump");
    const [, dumpMs] = await timed(() => Bun.spawn([pgDump, "-Fc", `--file=${dumpFile}`, sourceUrl]).exited);
    const restoreUrl = await newDatabase();
    const [, pgRestoreMs] = await timed(
      () => Bun.spawn([pgRestore, "--no-owner", "--single-transaction", `--dbname=${restoreUrl}`, dumpFile]).exited,
    );
    const dumpSize = statSync(dumpFile).size;
    rows.push(["backup time", ms(backupMs), ms(dumpMs), (backupMs / dumpMs).toFixed(2)]);
    rows.push(["backup size", kb(logical.sizeBytes), kb(dumpSize), (logical.sizeBytes / dumpSize).toFixed(2)]);
    rows.push(["restore time", ms(restoreMs), ms(pgRestoreMs), (restoreMs / pgRestoreMs).toFixed(2)]);
  } else {
    console.log("pg_dump/pg_restore not on PATH: printing the logical export alone, without a ratio.");
    rows.push(["backup time", ms(backupMs), "—", "—"], ["backup size", kb(logical.sizeBytes), "—", "—"]);
    rows.push(["restore time", ms(restoreMs), "—", "—"]);
  }
  await source.close();

  const embedded = await demoApp(undefined);
  const [pgliteBackup, pgliteMs] = await timed(() =>
    makeBackup(embedded.ctx, { trigger: "cli", directory: work, format: "logical" }),
  );
  await embedded.close();
  const restoredPglite = await openDatabase({});
  const [, pgliteRestoreMs] = await timed(() =>
    restoreBackup(restoredPglite, join(work, pgliteBackup.fileName), { force: false }),
  );
  await restoredPglite.close();
  rows.push(["PGlite backup time", ms(pgliteMs), "—", "—"]);
  rows.push(["PGlite backup size", kb(pgliteBackup.sizeBytes), "—", "—"]);
  rows.push(["PGlite restore time", ms(pgliteRestoreMs), "—", "—"]);

  console.log("Demo organization, built-in logical backup vs pg_dump -Fc / pg_restore (Postgres):");
  console.log(table(["measure", "DeskTrust", "pg_dump/pg_restore", "ratio"], rows));
} finally {
  for (const name of created) await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
  rmSync(work, { recursive: true, force: true });
}
