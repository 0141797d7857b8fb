import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { and, desc, eq, isNull, notInArray } from "drizzle-orm";
import type { AppContext } from "../context.ts";
import type { MigrationSet } from "../db/migrate.ts";
import { describeFile, openLineFile, PARTIAL_SUFFIX, syncFile, type WrittenFile } from "./backup-file.ts";
import { exportLogical } from "./logical-export.ts";
import { compatiblePgDump, pgDump } from "./pg-dump.ts";
import { uploadBackup } from "./s3.ts";
import { backups } from "./schema.ts";

const root = join(import.meta.dir, "..", "..");
export const appVersion: string = (await Bun.file(join(root, "package.json")).json()).version;

export type Backup = typeof backups.$inferSelect;
export type BackupTrigger = Backup["trigger"];

/** What a backup file's sidecar (`<file>.json`) says about it. */
export interface BackupManifest {
  fileName: string;
  format: Backup["format"];
  appVersion: string;
  driver: Backup["driver"];
  startedAt: string;
  finishedAt: string;
  sizeBytes: number;
  sha256: string;
  tables?: number;
  rows?: number;
}

export const manifestPath = (backupPath: string): string => `${backupPath}.json`;

/** Every migration set this install runs: core and each loaded plugin that has migrations. */
export function migrationSets(ctx: AppContext): MigrationSet[] {
  const sets: MigrationSet[] = [{ owner: "core", folder: join(root, "migrations") }];
  for (const plugin of ctx.plugins.plugins) {
    const folder = plugin.definition?.migrations;
    if (folder) sets.push({ owner: plugin.id, folder });
  }
  return sets;
}

/**
 * Writes one consistent backup while the server keeps running, then rotates old ones.
 * The file appears under its final name only once complete and synced; an interrupted run
 * leaves a `.partial` file that is never listed and is cleaned up by a later run.
 */
export async function makeBackup(
  ctx: AppContext,
  options: {
    trigger: BackupTrigger;
    directory?: string | undefined;
    format?: "auto" | "logical";
    /** The database's URL for pg_dump; default DATABASE_URL. */
    databaseUrl?: string | undefined;
  },
): Promise<Backup> {
  const directory = resolve(options.directory ?? ctx.config.backup.dir);
  await mkdir(directory, { recursive: true });
  await removeAbandoned(directory, ctx.clock.now());
  const startedAt = ctx.clock.now();
  const databaseUrl = options.databaseUrl ?? ctx.config.databaseUrl;
  const pgDumpBinary =
    ctx.database.driver === "postgres" && databaseUrl && (options.format ?? ctx.config.backup.format) === "auto"
      ? await compatiblePgDump(ctx.db)
      : null;
  const format: Backup["format"] = pgDumpBinary ? "pg_dump" : "logical";
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const fileName = `desktrust-${stamp}-${crypto.randomUUID().slice(0, 6)}.${format === "pg_dump" ? "dump" : "jsonl.gz"}`;
  const finalPath = join(directory, fileName);
  const partialPath = join(directory, `.${fileName}${PARTIAL_SUFFIX}`);

  let written: WrittenFile;
  let counts: { tables: number; rows: number } | undefined;
  if (pgDumpBinary && databaseUrl) {
    try {
      await pgDump(pgDumpBinary, databaseUrl, partialPath);
      await syncFile(partialPath);
      await rename(partialPath, finalPath);
    } catch (error) {
      await rm(partialPath, { force: true });
      throw error;
    }
    written = await describeFile(finalPath);
  } else {
    const file = openLineFile(partialPath);
    try {
      counts = await exportLogical(
        ctx.db,
        {
          sets: migrationSets(ctx),
          pluginsDir: join(root, "plugins"),
          appVersion,
          driver: ctx.database.driver,
          now: startedAt,
        },
        file.writeLine,
      );
      written = await file.finish(finalPath);
    } catch (error) {
      await file.abort();
      throw error;
    }
  }

  const finishedAt = ctx.clock.now();
  const manifest: BackupManifest = {
    fileName,
    format,
    appVersion,
    driver: ctx.database.driver,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    ...written,
    ...counts,
  };
  const manifestPartial = join(directory, `.${fileName}.json${PARTIAL_SUFFIX}`);
  await writeFile(manifestPartial, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(manifestPartial, manifestPath(finalPath));

  const uploadedTo = ctx.config.backup.s3 ? await uploadBackup(ctx.config.backup.s3, finalPath, manifest) : null;
  const [backup] = await ctx.db
    .insert(backups)
    .values({
      fileName,
      directory,
      format,
      appVersion,
      driver: ctx.database.driver,
      trigger: options.trigger,
      startedAt,
      finishedAt,
      sizeBytes: written.sizeBytes,
      sha256: written.sha256,
      uploadedTo,
    })
    .returning();
  await pruneBackups(ctx, directory);
  ctx.logger.info("backup written", { fileName, format, sizeBytes: written.sizeBytes, uploadedTo });
  return backup as Backup;
}

/** Keeps the newest `BACKUP_KEEP` backups in this directory on disk (other directories are left alone); older files are deleted and marked pruned. */
async function pruneBackups(ctx: AppContext, directory: string): Promise<void> {
  const kept = ctx.db
    .select({ id: backups.id })
    .from(backups)
    .where(and(isNull(backups.prunedAt), eq(backups.directory, directory)))
    .orderBy(desc(backups.finishedAt))
    .limit(ctx.config.backup.keep);
  const old = await ctx.db
    .update(backups)
    .set({ prunedAt: ctx.clock.now() })
    .where(and(isNull(backups.prunedAt), eq(backups.directory, directory), notInArray(backups.id, kept)))
    .returning();
  for (const backup of old) {
    const path = join(directory, backup.fileName);
    await rm(path, { force: true });
    await rm(manifestPath(path), { force: true });
  }
}

/** Partial files older than a day come from a run that was killed; nothing will finish them. */
async function removeAbandoned(directory: string, now: Date): Promise<void> {
  for (const name of await readdir(directory)) {
    if (!name.endsWith(PARTIAL_SUFFIX)) continue;
    const path = join(directory, name);
    if (now.getTime() - (await stat(path)).mtimeMs > 86_400_000) await rm(path, { force: true });
  }
}
