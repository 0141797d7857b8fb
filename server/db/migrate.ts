import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Db } from "./index.ts";
import { rowsOf } from "./rows.ts";

/** A set of drizzle-kit migrations with its own bookkeeping table. */
export interface MigrationSet {
  /** `core` or a plugin id; names the bookkeeping table `desktrust_migrations."<owner>"`. */
  owner: string;
  folder: string;
}

export interface MigrationReport {
  owner: string;
  applied: string[];
}

// Every migration run, on any instance, takes this one lock: concurrent boots queue up and
// the second sees what the first applied. Transaction-scoped so a crash releases it.
const MIGRATION_LOCK = 0x6465736b; // "desk"

/** The migration hashes each set has applied, by owner, as one read found them. */
export type AppliedMigrations = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Reads what every set has applied in two round trips, however many sets there are: a start
 * with many plugins learns that nothing is pending without a pair of reads per set.
 */
export async function appliedMigrations(db: Db): Promise<AppliedMigrations> {
  const tables = rowsOf<{ owner: string }>(
    await db.execute(
      sql`select c.relname as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'desktrust_migrations' and c.relkind in ('r', 'p')`,
    ),
  );
  const applied = new Map<string, Set<string>>();
  if (!tables.length) return applied;
  const reads = tables.map(
    ({ owner }) => sql`select ${owner}::text as owner, hash from ${sql.raw(migrationTable(owner))}`,
  );
  const rows = rowsOf<{ owner: string; hash: string }>(await db.execute(sql.join(reads, sql` union all `)));
  for (const { owner } of tables) applied.set(owner, new Set());
  for (const { owner, hash } of rows) applied.get(owner)?.add(hash);
  return applied;
}

/** The bookkeeping table of one set, quoted. */
function migrationTable(owner: string): string {
  return `desktrust_migrations."${owner.replaceAll('"', '""')}"`;
}

/**
 * Applies the pending migrations of one set, in order, in one transaction under the
 * cluster-wide migration lock. Each set keeps its own table: a shared Drizzle migrations table
 * compares timestamps across sets and silently skips migrations. Most starts have nothing to
 * apply and find that out without the lock, from `applied` (`appliedMigrations`, read once for
 * every set of a start) or, when not given, from a read of their own; anything pending is read
 * again under the lock.
 */
export async function migrate(db: Db, set: MigrationSet, applied?: AppliedMigrations): Promise<MigrationReport> {
  const migrations = readMigrationFiles({ migrationsFolder: set.folder });
  const table = sql.raw(migrationTable(set.owner));
  const known = (applied ?? (await appliedMigrations(db))).get(set.owner);
  if (known && migrations.every((m) => known.has(m.hash))) return { owner: set.owner, applied: [] };
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.execute(sql`create schema if not exists desktrust_migrations`);
    await tx.execute(
      sql`create table if not exists ${table} (hash text primary key, created_at bigint not null, applied_at timestamptz not null default now())`,
    );
    const rows = rowsOf<{ hash: string }>(await tx.execute(sql`select hash from ${table}`));
    const done = new Set(rows.map((r) => r.hash));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.hash)) continue;
      for (const statement of m.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(sql`insert into ${table} (hash, created_at) values (${m.hash}, ${m.folderMillis})`);
      applied.push(m.hash);
    }
    return { owner: set.owner, applied };
  });
}
