// Rebuilds the pre-initialized PGlite data directory that makes a first start fast.
// Run after upgrading @electric-sql/pglite: `bun run scripts/pglite-template.ts`.
import { buildPgliteTemplate } from "../server/db/pglite-template.ts";

console.log(`wrote ${await buildPgliteTemplate()}`);
