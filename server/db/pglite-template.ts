import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
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

/**
 * Writes the pre-initialized data directory straight to disk at `dir` (which must not hold a
 * database), so PGlite then opens an existing directory. Faster than handing PGlite the archive
 * (`loadDataDir` unpacks all ~43 MB in memory first) and about 200 MB lighter at the peak.
 * Unpacked beside `dir` and renamed into place: a start cut off halfway leaves no directory that
 * looks like a database. `false` when no template matches the installed PGlite.
 */
export async function unpackTemplate(dir: string): Promise<boolean> {
  if (!existsSync(templatePath)) return false;
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await new Bun.Archive(await Bun.file(templatePath).arrayBuffer()).extract(partial);
  // Whatever is at `dir` has no PG_VERSION: an empty folder, or an earlier start's leftovers.
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return true;
}
