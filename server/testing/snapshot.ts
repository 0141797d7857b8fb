import { sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { rowsOf } from "../db/rows.ts";

/** Row count and content checksum per table, keyed by `schema.table`. */
export type TableSnapshot = Map<string, string>;

/** Every base table outside Postgres' own schemas: core's and every plugin's. */
export async function userTables(db: Db): Promise<string[]> {
  const rows = rowsOf<{ schema: string; name: string }>(
    await db.execute(sql`
      select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
        and table_schema not like 'pg\_%'
      order by 1, 2`),
  );
  return rows.map((row) => `${row.schema}.${row.name}`);
}

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Fingerprints every table (count + md5 of all rows in a stable order) so a test can assert
 * that a request changed nothing. Cheap on test-sized data.
 */
export async function snapshotTables(db: Db, tables?: string[]): Promise<TableSnapshot> {
  const snapshot: TableSnapshot = new Map();
  for (const table of tables ?? (await userTables(db))) {
    const [schema = "", name = ""] = table.split(".");
    const ref = `${quoted(schema)}.${quoted(name)}`;
    const [row] = rowsOf<{ count: string | number; checksum: string | null }>(
      await db.execute(
        sql.raw(`select count(*) as count, md5(string_agg(t::text, ',' order by t::text)) as checksum from ${ref} t`),
      ),
    );
    snapshot.set(table, `${row?.count ?? 0}:${row?.checksum ?? "-"}`);
  }
  return snapshot;
}

/** The tables whose fingerprint differs between two snapshots. */
export function changedTables(before: TableSnapshot, after: TableSnapshot): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name)).sort();
}
