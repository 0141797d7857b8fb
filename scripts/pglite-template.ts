// Rebuilds the pre-initialized PGlite data directory that makes a first start fast: initdb, core's
// migrations and the bundled product plugins' migrations. Run after upgrading @electric-sql/pglite
// or adding migrations: `npx bun scripts/pglite-template.ts`.
import { coreMigrations, pluginsDir } from "../server/boot.ts";
import { buildPgliteTemplate } from "../server/db/pglite-template.ts";
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
