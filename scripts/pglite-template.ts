// Rebuilds the pre-initialized PGlite data directory that makes a first start fast.
// Run after upgrading @electric-sql/pglite or adding core migrations: `bun run scripts/pglite-template.ts`.
import { coreMigrations } from "../server/boot.ts";
import { buildPgliteTemplate } from "../server/db/pglite-template.ts";

console.log(`wrote ${await buildPgliteTemplate(coreMigrations)}`);
