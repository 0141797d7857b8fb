// Rebuilds the pre-initialized PGlite data directory that makes a first start fast: initdb, core's
// migrations and the bundled product plugins' migrations. Run after upgrading @electric-sql/pglite
// or adding migrations: `npx bun scripts/pglite-template.ts`.

import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { coreMigrations, pluginsDir } from "../server/boot.ts";
import type { Db } from "../server/db/index.ts";
import { type MigrationSet, migrate } from "../server/db/migrate.ts";
import { templatePath } from "../server/db/pglite-template.ts";
import { importPlugins, resolvePlugins } from "../server/plugins/loader.ts";

// The example plugin (kudos) is left out: like any plugin added later, it is migrated at its
// first start.
const EXAMPLES = new Set(["kudos"]);

const plugins = resolvePlugins(await importPlugins(pluginsDir)).flatMap((p) =>
  p.status === "ready" && p.definition.migrations && !EXAMPLES.has(p.id)
    ? [{ owner: p.id, folder: p.definition.migrations }]
    : [],
);
console.log(`wrote ${await buildPgliteTemplate([{ owner: "core", folder: coreMigrations }, ...plugins])}`);
console.log(`with the migrations of core and ${plugins.map((p) => p.owner).join(", ")}`);

/**
 * Builds the template: PGlite's initdb once, then the migration sets given (core first, then
 * the bundled plugins in dependency order) as they exist today, so a new database starts with
 * them applied. Migrations added later are applied at boot as usual (each set's bookkeeping
 * table records which ones the template holds).
 */
async function buildPgliteTemplate(sets: MigrationSet[]): Promise<string> {
  const pg = await PGlite.create();
  for (const set of sets) await migrate(drizzle(pg) as unknown as Db, set);
  // A checkpoint first, so the dump holds the migrated catalog rather than WAL to replay.
  await pg.exec("checkpoint");
  const dump = await pg.dumpDataDir("gzip");
  await pg.close();
  await Bun.write(templatePath, dump);
  return templatePath;
}
