import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import type { Database, Db } from "./index.ts";
import { pgliteTemplate } from "./pglite-template.ts";

/**
 * Opens PGlite in `dataDir` (or in memory). A new database is restored from a pre-initialized
 * data directory shipped with the app: PGlite's own initdb takes seconds and about 1 GB of
 * memory, restoring the dump takes a fraction of a second.
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  let client: PGlite;
  if (dataDir === undefined) {
    client = await PGlite.create({ loadDataDir: await pgliteTemplate() });
  } else {
    const dir = resolve(dataDir, "pgdata");
    const isNew = !existsSync(join(dir, "PG_VERSION"));
    if (isNew) mkdirSync(dir, { recursive: true });
    client = await PGlite.create(dir, isNew ? { loadDataDir: await pgliteTemplate() } : {});
  }
  const db = drizzle(client) as unknown as Db;
  return {
    db,
    driver: "pglite",
    close: () => client.close(),
  };
}
