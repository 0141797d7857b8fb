import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import { rowsOf } from "./sql.ts";

/** Every text, varchar, json and jsonb column of every table in the database that contains `needle`. */
export async function tablesContaining(db: DbOrTx, needle: string): Promise<string[]> {
  const columns = rowsOf<{ s: string; t: string; c: string }>(
    await db.execute(sql`
      select c.table_schema as s, c.table_name as t, c.column_name as c
      from information_schema.columns c
      join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name
      where tb.table_type = 'BASE TABLE'
        and c.table_schema not in ('pg_catalog', 'information_schema')
        and c.data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`),
  );
  const found: string[] = [];
  for (const col of columns) {
    const [row] = rowsOf<{ n: number }>(
      await db.execute(
        sql`select count(*)::int as n from ${sql.identifier(col.s)}.${sql.identifier(col.t)} where ${sql.identifier(col.c)}::text like ${`%${needle}%`}`,
      ),
    );
    if ((row?.n ?? 0) > 0) found.push(`${col.s}.${col.t}.${col.c}`);
  }
  return found;
}
