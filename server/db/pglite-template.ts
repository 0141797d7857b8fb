import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import type { Db } from "./index.ts";
import { type MigrationSet, migrate } from "./migrate.ts";

const pgliteVersion: string = JSON.parse(
  readFileSync(join(dirname(Bun.resolveSync("@electric-sql/pglite", import.meta.dir)), "..", "package.json"), "utf8"),
).version;

/** Where the pre-initialized data directory for the installed PGlite version lives. */
export const templatePath = join(import.meta.dir, "templates", `pglite-${pgliteVersion}.tar.gz`);

let cached: Promise<Blob | undefined> | undefined;

/**
 * The pre-initialized PGlite data directory (a gzipped tar from `dumpDataDir`), or `undefined`
 * when none matches the installed PGlite version — then PGlite runs its own, slower initdb.
 * Regenerate with `bun run scripts/pglite-template.ts` after upgrading PGlite (and, to keep
 * first starts fast, after adding migrations to core or a bundled plugin).
 */
export function pgliteTemplate(): Promise<Blob | undefined> {
  cached ??= (async () => {
    if (!existsSync(templatePath)) return undefined;
    return new Blob([await Bun.file(templatePath).arrayBuffer()]);
  })();
  return cached;
}

/**
 * Builds the template: PGlite's initdb once, then the migration sets given (core first, then
 * the bundled plugins in dependency order) as they exist today, so a new database starts with
 * them applied. Migrations added later are applied at boot as usual (each set's bookkeeping
 * table records which ones the template holds).
 */
export async function buildPgliteTemplate(sets: MigrationSet[]): Promise<string> {
  const pg = await PGlite.create();
  for (const set of sets) await migrate(drizzle(pg) as unknown as Db, set);
  // A checkpoint first, so the dump holds the migrated catalog rather than WAL to replay.
  await pg.exec("checkpoint");
  const dump = await pg.dumpDataDir("gzip");
  await pg.close();
  await Bun.write(templatePath, dump);
  return templatePath;
}
