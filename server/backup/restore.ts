import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { sql } from "drizzle-orm";
import { classifyDbError } from "../db/errors.ts";
import type { Database, Tx } from "../db/index.ts";
import type { BackupManifest } from "./backup.ts";
import { describeFile } from "./backup-file.ts";
import {
  applicationObjectDrops,
  type BackupTable,
  backupTables,
  dropApplicationObjects,
  holdsData,
  qualified,
  quoteIdent,
} from "./catalog.ts";
import { LOGICAL_FORMAT, type LogicalHeader } from "./logical-export.ts";
import { replaySets } from "./migration-history.ts";
import { runTool } from "./pg-dump.ts";

export type RestoreResult =
  | { ok: true; format: "logical" | "pg_dump"; tables: number; rows: number; appVersion: string | null }
  | { ok: false; reason: "not-empty" | "corrupt" | "unsupported"; message: string };

export interface RestoreOptions {
  /** Replace whatever the target holds. Without it a target with any data is refused. */
  force: boolean;
  /** The target's connection URL, needed to restore a pg_dump file with pg_restore. */
  databaseUrl?: string | undefined;
}

const BATCH_ROWS = 1_000;
const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Restores a backup file into `database`: the whole schema as it was when the backup was
 * taken, every row and sequence, in one transaction (all or nothing). The normal boot then
 * applies any newer migrations, exactly as for an upgrade.
 */
export async function restoreBackup(database: Database, file: string, options: RestoreOptions): Promise<RestoreResult> {
  const checked = await verifyChecksum(file);
  if (checked) return checked;
  if (!options.force && (await holdsData(database.db))) {
    return {
      ok: false,
      reason: "not-empty",
      message: "The target database already holds data. Restore into an empty one, or pass --force to replace it.",
    };
  }
  const format = await formatOf(file);
  if (format === "logical") return restoreLogical(database, file);
  if (format === "pg_dump") return restorePgDump(database, file, options.databaseUrl);
  return { ok: false, reason: "unsupported", message: "This file is not a DeskTrust backup." };
}

/** A backup with a manifest beside it must match the manifest's checksum byte for byte. */
async function verifyChecksum(file: string): Promise<RestoreResult | null> {
  const sidecar = `${file}.json`;
  if (!existsSync(sidecar)) return null;
  const manifest = (await Bun.file(sidecar).json()) as BackupManifest;
  const actual = await describeFile(file);
  if (actual.sha256 === manifest.sha256 && actual.sizeBytes === manifest.sizeBytes) return null;
  return {
    ok: false,
    reason: "corrupt",
    message: `The file does not match its manifest (SHA-256 ${actual.sha256.slice(0, 12)}…, expected ${manifest.sha256.slice(0, 12)}…).`,
  };
}

async function formatOf(file: string): Promise<"logical" | "pg_dump" | null> {
  const handle = await open(file, "r");
  try {
    const { buffer } = await handle.read(Buffer.alloc(5), 0, 5, 0);
    if (buffer[0] === 0x1f && buffer[1] === 0x8b) return "logical";
    if (buffer.toString("latin1") === "PGDMP") return "pg_dump";
    return null;
  } finally {
    await handle.close();
  }
}

class IncompleteBackup extends Error {}

async function restoreLogical(database: Database, file: string): Promise<RestoreResult> {
  const input = createReadStream(file).pipe(createGunzip());
  const lines = linesOf(input);
  try {
    return await database.db.transaction(async (tx) => {
      let header: LogicalHeader | undefined;
      let table: BackupTable | undefined;
      let batch: string[] = [];
      let batchBytes = 0;
      let ended: { tables: number; rows: number } | undefined;
      const counts = { tables: 0, rows: 0 };
      const flush = async (): Promise<void> => {
        if (!table || batch.length === 0) return;
        await insertRows(tx, table, batch);
        batch = [];
        batchBytes = 0;
      };
      for await (const line of lines) {
        if (!line.startsWith('{"@')) {
          if (!table) throw new IncompleteBackup("rows before any table");
          batch.push(line);
          batchBytes += line.length;
          counts.rows++;
          if (batch.length >= BATCH_ROWS || batchBytes >= BATCH_BYTES) await flush();
          continue;
        }
        const control = JSON.parse(line) as Record<string, unknown>;
        if ("@backup" in control) {
          header = control["@backup"] as LogicalHeader;
          if (header.format !== LOGICAL_FORMAT) throw new IncompleteBackup(`unknown format ${header.format}`);
          await dropApplicationObjects(tx);
          await replaySets(tx, header.sets);
        } else if (!header) {
          throw new IncompleteBackup("no header");
        } else if ("@partitions" in control) {
          for (const ddl of control["@partitions"] as string[]) await tx.execute(sql.raw(ddl));
          // Migrations may seed rows (default settings); the backup's own rows replace them.
          const tables = await backupTables(tx);
          if (tables.length) await tx.execute(sql.raw(`truncate ${tables.map(qualified).join(", ")}`));
        } else if ("@table" in control) {
          await flush();
          table = control["@table"] as BackupTable;
          counts.tables++;
        } else if ("@sequences" in control) {
          await flush();
          table = undefined;
          for (const s of control["@sequences"] as { schema: string; name: string; value: string; called: boolean }[]) {
            await tx.execute(sql`select setval(${qualified(s)}::regclass, ${s.value}::bigint, ${s.called})`);
          }
        } else if ("@end" in control) {
          ended = control["@end"] as typeof ended;
        }
      }
      if (!header || !ended || ended.rows !== counts.rows || ended.tables !== counts.tables) {
        throw new IncompleteBackup("the file ends before the backup does");
      }
      return { ok: true as const, format: "logical" as const, ...counts, appVersion: header.appVersion };
    });
  } catch (error) {
    if (error instanceof IncompleteBackup || error instanceof SyntaxError || isZlibError(error)) {
      return { ok: false, reason: "corrupt", message: `The backup is incomplete or damaged (${error.message}).` };
    }
    const refused = classifyDbError(error);
    if (refused.kind !== "other") {
      const what = refused.constraint ? `${refused.kind}: ${refused.constraint}` : refused.kind;
      return {
        ok: false,
        reason: "corrupt",
        message: `The backup's rows do not load (${what}); the database was left as it was.`,
      };
    }
    throw error;
  } finally {
    input.destroy();
  }
}

/** Splits on "\n" only: JSON text escapes it, while readline would also split on U+2028 and "\r". */
async function* linesOf(input: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of input) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf("\n");
    while (newline !== -1) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
  }
  pending += decoder.decode();
  if (pending) yield pending;
}

function isZlibError(error: unknown): error is Error {
  return error instanceof Error && "code" in error && String(error.code).startsWith("Z_");
}

/** Loads rows in one statement; `json_populate_recordset` reads each value with its column's type. */
async function insertRows(tx: Tx, table: BackupTable, rows: string[]): Promise<void> {
  const target = qualified(table);
  const columns = table.columns.map(quoteIdent).join(", ");
  await tx.execute(sql`
    insert into ${sql.raw(target)} (${sql.raw(columns)}) overriding system value
    select ${sql.raw(columns)} from json_populate_recordset(null::${sql.raw(target)}, ${`[${rows.join(",")}]`}::json)`);
}

/**
 * pg_restore's own --single-transaction cannot include emptying the target first, so a failure
 * part-way would leave it emptied. Instead pg_restore only turns the dump into a script (which
 * reads every part of the file, so a damaged one fails before anything is touched), and psql runs
 * the drops and that script as one transaction that stops at the first error: all or nothing.
 */
async function restorePgDump(database: Database, file: string, url: string | undefined): Promise<RestoreResult> {
  const pgRestore = Bun.which("pg_restore");
  const psql = Bun.which("psql");
  if (database.driver !== "postgres" || !url || !pgRestore || !psql) {
    return {
      ok: false,
      reason: "unsupported",
      message:
        "This backup was made by pg_dump: restore it into Postgres (DATABASE_URL) with pg_restore and psql on PATH, or make a logical backup (BACKUP_FORMAT=logical).",
    };
  }
  const work = await mkdtemp(join(tmpdir(), "desktrust-restore-"));
  try {
    const script = join(work, "restore.sql");
    try {
      await runTool([pgRestore, "--no-owner", "--no-privileges", `--file=${script}`, file]);
    } catch (error) {
      return {
        ok: false,
        reason: "corrupt",
        message: `The backup is incomplete or damaged (${(error as Error).message}).`,
      };
    }
    const drops = join(work, "drops.sql");
    await writeFile(drops, (await applicationObjectDrops(database.db)).map((s) => `${s};\n`).join(""));
    try {
      await runTool([
        psql,
        "--no-psqlrc",
        "--quiet",
        "--single-transaction",
        "--set=ON_ERROR_STOP=1",
        `--dbname=${url}`,
        `--file=${drops}`,
        `--file=${script}`,
      ]);
    } catch (error) {
      return {
        ok: false,
        reason: "corrupt",
        message: `The backup could not be loaded; the database was left as it was (${(error as Error).message}).`,
      };
    }
    return { ok: true, format: "pg_dump", tables: 0, rows: 0, appVersion: null };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
