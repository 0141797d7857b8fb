import postgres from "postgres";
import { type Database, openDatabase } from "../db/index.ts";

/**
 * A fresh, empty database for one test file: PGlite in memory by default, or — when
 * `TEST_DATABASE_URL` is set — a new Postgres database created for the file and dropped after.
 * Tests refuse a query through the outer handle inside a transaction, so such code fails here
 * instead of freezing the embedded database in production.
 */
export async function freshDatabase(): Promise<Database & { url?: string }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return openDatabase({ outerQueries: "throw" });
  const name = `desktrust_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openDatabase({ url: target.toString(), maxConnections: 5, outerQueries: "throw" });
  return {
    ...database,
    url: target.toString(),
    async close() {
      await database.close();
      const dropper = postgres(url, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
    },
  };
}
