import { existsSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { DbOrTx } from "../db/index.ts";
import type { MigrationSet } from "../db/migrate.ts";
import { rowsOf } from "../db/rows.ts";
import { quoteIdent } from "./catalog.ts";

/** One applied migration, with the SQL that produced it, so a backup can rebuild its own schema. */
export interface RecordedMigration {
  hash: string;
  createdAt: number;
  statements: string[];
}

/** The migrations one set (core or a plugin) had applied when the backup was taken, in order. */
export interface RecordedSet {
  owner: string;
  migrations: RecordedMigration[];
}

/**
 * Reads which migrations each set has applied and pairs them with their SQL from the code.
 * A backup carries this history and restore replays it, so a backup made by an older release
 * restores to exactly its own schema and the usual migrations upgrade it afterwards.
 */
export async function recordedSets(db: DbOrTx, sets: MigrationSet[], pluginsDir: string): Promise<RecordedSet[]> {
  const owners = rowsOf<{ owner: string }>(
    await db.execute(sql`
      select c.relname as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'desktrust_migrations' and c.relkind = 'r'`),
  );
  const result: (RecordedSet & { firstAppliedAt: string })[] = [];
  for (const { owner } of owners) {
    const applied = rowsOf<{ hash: string; appliedAt: string }>(
      await db.execute(
        sql.raw(
          `select hash, applied_at::text as "appliedAt" from desktrust_migrations.${quoteIdent(owner)} order by created_at, applied_at`,
        ),
      ),
    );
    const folder = sets.find((s) => s.owner === owner)?.folder ?? join(pluginsDir, owner, "migrations");
    const files = existsSync(folder) ? readMigrationFiles({ migrationsFolder: folder }) : [];
    const byHash = new Map(files.map((m) => [m.hash, m]));
    const migrations = applied.map(({ hash }) => {
      const file = byHash.get(hash);
      if (!file)
        throw new Error(`The ${owner} migration ${hash.slice(0, 12)} is applied but not in this release's code.`);
      return { hash, createdAt: file.folderMillis, statements: file.sql.filter((s) => s.trim() !== "") };
    });
    result.push({ owner, migrations, firstAppliedAt: owner === "core" ? "" : (applied[0]?.appliedAt ?? "~") });
  }
  // Sets replay in the order they were first applied: core, then plugins in dependency order.
  return result
    .sort((a, b) => a.firstAppliedAt.localeCompare(b.firstAppliedAt))
    .map(({ owner, migrations }) => ({ owner, migrations }));
}

/** Rebuilds the schema a backup was taken with: each set's recorded migrations, in order. */
export async function replaySets(db: DbOrTx, sets: RecordedSet[]): Promise<void> {
  await db.execute(sql`create schema if not exists desktrust_migrations`);
  for (const set of sets) {
    // The same bookkeeping table the migrator creates; its rows come back with the data.
    await db.execute(
      sql.raw(
        `create table if not exists desktrust_migrations.${quoteIdent(set.owner)} (hash text primary key, created_at bigint not null, applied_at timestamptz not null default now())`,
      ),
    );
    for (const migration of set.migrations) {
      for (const statement of migration.statements) await db.execute(sql.raw(statement));
    }
  }
}
