import { dirname, join } from "node:path";

/**
 * Compiles PGlite's WebAssembly engine (9 MB, a third of an open's work). The database's thread
 * starts this before anything else and hands the result to `PGlite.create` as
 * `pgliteWasmModule`, so the compile runs while PGlite's JavaScript loads and prepares its file
 * system instead of after.
 */
export function compileEngine(): Promise<WebAssembly.Module> {
  const dist = dirname(Bun.resolveSync("@electric-sql/pglite", import.meta.dir));
  return Bun.file(join(dist, "pglite.wasm"))
    .arrayBuffer()
    .then((bytes) => WebAssembly.compile(bytes));
}

/**
 * PGlite's start parameters with a page cache (`shared_buffers`) of `cacheMb` megabytes instead
 * of its 128 MB; `defaults` is `PGlite.defaultStartParams` (passed in, so this module does not
 * load PGlite ahead of the compile above).
 */
export function startParams(defaults: readonly string[], cacheMb: number): string[] {
  return [...defaults, "-c", `shared_buffers=${cacheMb}MB`];
}
