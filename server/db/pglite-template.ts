import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

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
