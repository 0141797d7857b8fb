import { desc, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import type { Backup } from "./backup.ts";
import { backups } from "./schema.ts";

/** The newest backups first, those still on disk and those rotated away. */
export async function listBackups(db: Db, limit = 50): Promise<Backup[]> {
  return db.select().from(backups).orderBy(desc(backups.finishedAt)).limit(limit);
}

/** Seconds since the newest finished backup; +Inf when there has never been one (so an alert fires). */
export async function newestBackupAgeSeconds(db: Db, now: Date): Promise<number> {
  const [row] = await db
    .select({ newest: sql<string | null>`max(${backups.finishedAt})::text` })
    .from(backups)
    .where(isNull(backups.prunedAt));
  if (!row?.newest) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.round((now.getTime() - new Date(row.newest).getTime()) / 1000));
}
