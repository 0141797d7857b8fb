import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/index.ts";
import { rowsOf } from "../db/rows.ts";

/** Schemas that belong to Postgres itself; everything else is the application's. */
const systemSchemas = sql`n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;

/** One table whose rows a backup carries: plain tables and partitioned parents (never single partitions). */
export interface BackupTable {
  schema: string;
  name: string;
  /** Stored columns in order; generated columns are left out, the database recomputes them. */
  columns: string[];
}

export interface BackupSequence {
  schema: string;
  name: string;
}

/** `"schema"."name"`, quoted for SQL. */
export function qualified(object: { schema: string; name: string }): string {
  return `${quoteIdent(object.schema)}.${quoteIdent(object.name)}`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The application's tables, parents before the tables that reference them, so rows can be
 * loaded in this order with every foreign key checked.
 */
export async function backupTables(db: DbOrTx): Promise<BackupTable[]> {
  const tables = rowsOf<{ oid: number; schema: string; name: string; columns: string[] }>(
    await db.execute(sql`
      select c.oid::int as oid, n.nspname as schema, c.relname as name,
        array(
          select a.attname::text from pg_attribute a
          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
          order by a.attnum
        ) as columns
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and not c.relispartition and ${systemSchemas}
      order by n.nspname, c.relname`),
  );
  const references = rowsOf<{ child: number; parent: number }>(
    await db.execute(sql`
      select conrelid::int as child, confrelid::int as parent from pg_constraint
      where contype = 'f' and conrelid <> confrelid`),
  );
  return referencedFirst(tables, references).map(({ schema, name, columns }) => ({ schema, name, columns }));
}

/** Orders tables so that every referenced table comes before the tables referencing it. */
function referencedFirst<T extends { oid: number }>(tables: T[], references: { child: number; parent: number }[]): T[] {
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const parents = new Map<number, number[]>();
  for (const { child, parent } of references) parents.set(child, [...(parents.get(child) ?? []), parent]);
  const ordered: T[] = [];
  const placed = new Set<number>();
  const visiting = new Set<number>();
  const place = (table: T): void => {
    if (placed.has(table.oid) || visiting.has(table.oid)) return;
    visiting.add(table.oid);
    for (const parent of parents.get(table.oid) ?? []) {
      const referenced = byOid.get(parent);
      if (referenced) place(referenced);
    }
    visiting.delete(table.oid);
    placed.add(table.oid);
    ordered.push(table);
  };
  for (const table of tables) place(table);
  return ordered;
}

/** Partitions created at run time (e.g. activity rollups by month), as the DDL that recreates them. */
export async function partitionDefinitions(db: DbOrTx): Promise<string[]> {
  const rows = rowsOf<{ ddl: string }>(
    await db.execute(sql`
      select format('create table if not exists %I.%I partition of %I.%I %s',
        n.nspname, c.relname, pn.nspname, p.relname, pg_get_expr(c.relpartbound, c.oid)) as ddl
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_inherits i on i.inhrelid = c.oid
      join pg_class p on p.oid = i.inhparent
      join pg_namespace pn on pn.oid = p.relnamespace
      where c.relispartition and c.relkind in ('r', 'p') and ${systemSchemas}
      order by n.nspname, c.relname`),
  );
  return rows.map((r) => r.ddl);
}

export async function backupSequences(db: DbOrTx): Promise<BackupSequence[]> {
  return rowsOf<BackupSequence>(
    await db.execute(sql`
      select n.nspname as schema, c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'S' and ${systemSchemas}
      order by 1, 2`),
  );
}

/** The application's schemas, `public` included. */
export async function applicationSchemas(db: DbOrTx): Promise<string[]> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`select n.nspname as name from pg_namespace n where ${systemSchemas} order by 1`),
  );
  return rows.map((r) => r.name);
}

/**
 * True when the database holds data worth protecting: a DeskTrust install with an organization
 * or people, or any other database with a row in any table. An install that was migrated but
 * never set up only holds the defaults its migrations seeded, and counts as empty.
 */
export async function holdsData(db: DbOrTx): Promise<boolean> {
  const tables = await backupTables(db);
  const has = (schema: string, name: string): boolean => tables.some((t) => t.schema === schema && t.name === name);
  const rowsIn = async (table: { schema: string; name: string }): Promise<boolean> => {
    const [row] = rowsOf<{ found: boolean }>(
      await db.execute(sql.raw(`select exists (select 1 from ${qualified(table)}) as found`)),
    );
    return row?.found ?? false;
  };
  if (has("desktrust_migrations", "core") && has("public", "organization") && has("public", "people")) {
    return (
      (await rowsIn({ schema: "public", name: "organization" })) || (await rowsIn({ schema: "public", name: "people" }))
    );
  }
  for (const table of tables) if (await rowsIn(table)) return true;
  return false;
}

/**
 * Removes every application object: plugin schemas are dropped, `public` is emptied (it is
 * kept because the database owner, not us, may own it).
 */
export async function dropApplicationObjects(db: DbOrTx): Promise<void> {
  for (const statement of await applicationObjectDrops(db)) await db.execute(sql.raw(statement));
}

/** The statements `dropApplicationObjects` runs, for a restore that runs them in a session of its own. */
export async function applicationObjectDrops(db: DbOrTx): Promise<string[]> {
  const drops = (await applicationSchemas(db))
    .filter((schema) => schema !== "public")
    .map((schema) => `drop schema ${quoteIdent(schema)} cascade`);
  const objects = rowsOf<{ kind: string; name: string }>(
    await db.execute(sql`
      select case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
        when 'f' then 'foreign table' else 'table' end as kind, format('%I.%I', n.nspname, c.relname) as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and not c.relispartition
      union all
      select 'type', format('%I.%I', n.nspname, t.typname) from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = 'public' and t.typtype in ('e', 'd') 
      union all
      select 'function', p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public'`),
  );
  // Objects in `public` may go with a schema dropped before them (cascade): "if exists".
  return [...drops, ...objects.map(({ kind, name }) => `drop ${kind} if exists ${name} cascade`)];
}
