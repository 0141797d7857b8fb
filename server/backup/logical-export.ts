import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/index.ts";
import type { MigrationSet } from "../db/migrate.ts";
import { rowsOf } from "../db/rows.ts";
import { backupSequences, backupTables, partitionDefinitions, qualified, quoteIdent } from "./catalog.ts";
import { type RecordedSet, recordedSets } from "./migration-history.ts";

/**
 * The logical backup format, one JSON document per line (gzip-compressed on disk):
 *
 *   {"@backup": header}                      what made it, when, and the schema history
 *   {"@partitions": [ddl]}                   partitions created at run time
 *   {"@table": {schema, name, columns}}      then one row object per line
 *   …
 *   {"@sequences": [{schema, name, value, called}]}
 *   {"@end": {tables, rows}}                 a file without it is incomplete
 *
 * Rows are `row_to_json` objects and load back with `json_populate_recordset`, which reads
 * every value through its column type's own input function: no driver-specific type mapping.
 */
export const LOGICAL_FORMAT = 1;

export interface LogicalHeader {
  format: number;
  appVersion: string;
  createdAt: string;
  driver: "pglite" | "postgres";
  serverVersion: string;
  sets: RecordedSet[];
}

export interface ExportSummary {
  tables: number;
  rows: number;
}

const FETCH_ROWS = 2_000;

/**
 * Writes the whole database as seen by one snapshot: every query runs in a single
 * REPEATABLE READ READ ONLY transaction, so concurrent writes are either wholly in or wholly out.
 */
export async function exportLogical(
  db: Db,
  source: { sets: MigrationSet[]; pluginsDir: string; appVersion: string; driver: "pglite" | "postgres"; now: Date },
  writeLine: (line: string) => Promise<void>,
): Promise<ExportSummary> {
  return db.transaction(
    async (tx) => {
      const [version] = rowsOf<{ v: string }>(await tx.execute(sql`select current_setting('server_version') as v`));
      const header: LogicalHeader = {
        format: LOGICAL_FORMAT,
        appVersion: source.appVersion,
        createdAt: source.now.toISOString(),
        driver: source.driver,
        serverVersion: version?.v ?? "unknown",
        sets: await recordedSets(tx, source.sets, source.pluginsDir),
      };
      await writeLine(JSON.stringify({ "@backup": header }));
      await writeLine(JSON.stringify({ "@partitions": await partitionDefinitions(tx) }));
      const summary: ExportSummary = { tables: 0, rows: 0 };
      for (const table of await backupTables(tx)) {
        await writeLine(JSON.stringify({ "@table": table }));
        summary.tables++;
        summary.rows += await exportRows(tx, qualified(table), table.columns, writeLine);
      }
      const sequences = [];
      for (const sequence of await backupSequences(tx)) {
        const [state] = rowsOf<{ value: string; called: boolean }>(
          await tx.execute(
            sql.raw(`select last_value::text as value, is_called as called from ${qualified(sequence)}`),
          ),
        );
        sequences.push({ ...sequence, value: state?.value ?? "1", called: state?.called ?? false });
      }
      await writeLine(JSON.stringify({ "@sequences": sequences }));
      await writeLine(JSON.stringify({ "@end": summary }));
      return summary;
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

/** Streams one table through a cursor, a few thousand rows at a time. */
async function exportRows(
  tx: Tx,
  table: string,
  columns: string[],
  writeLine: (line: string) => Promise<void>,
): Promise<number> {
  const list = columns.map(quoteIdent).join(", ");
  await tx.execute(
    sql.raw(
      `declare backup_rows no scroll cursor for select row_to_json(r)::text as j from (select ${list} from ${table}) r`,
    ),
  );
  let count = 0;
  for (;;) {
    const batch = rowsOf<{ j: string }>(await tx.execute(sql.raw(`fetch ${FETCH_ROWS} from backup_rows`)));
    for (const row of batch) await writeLine(row.j);
    count += batch.length;
    if (batch.length < FETCH_ROWS) break;
  }
  await tx.execute(sql`close backup_rows`);
  return count;
}
