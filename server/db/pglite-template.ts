import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";

const pgliteVersion: string = JSON.parse(
  readFileSync(join(dirname(Bun.resolveSync("@electric-sql/pglite", import.meta.dir)), "..", "package.json"), "utf8"),
).version;

/** Where the pre-initialized data directory for the installed PGlite version lives. */
export const templatePath = join(import.meta.dir, "templates", `pglite-${pgliteVersion}.tar.gz`);

let cached: Promise<Blob | undefined> | undefined;

/**
 * The pre-initialized PGlite data directory (a gzipped tar from `dumpDataDir`), or `undefined`
 * when none matches the installed PGlite version — then PGlite runs its own, slower initdb.
 * Regenerate with `bun run scripts/pglite-template.ts` after upgrading PGlite.
 */
export function pgliteTemplate(): Promise<Blob | undefined> {
  cached ??= (async () => {
    if (!existsSync(templatePath)) return undefined;
    return new Blob([await Bun.file(templatePath).arrayBuffer()]);
  })();
  return cached;
}

/** Builds the template by running initdb once. */
export async function buildPgliteTemplate(): Promise<string> {
  const pg = await PGlite.create();
  const dump = await pg.dumpDataDir("gzip");
  await pg.close();
  await Bun.write(templatePath, dump);
  return templatePath;
}
