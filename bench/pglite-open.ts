// The baseline for cold start: a bare `PGlite.create` of a data directory in a fresh process —
// restored from the shipped template when empty, as the server does — timed from spawn to ready.
// Run as a child of cold-start.ts: `bun bench/pglite-open.ts <dir> [cacheMb]` prints nothing,
// exits 0. With `cacheMb`, PGlite starts with that `shared_buffers` (as the server does with
// PGLITE_CACHE_MB); without, with PGlite's defaults (128 MB).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { startParams } from "../server/db/pglite-engine.ts";
import { pgliteTemplate } from "../server/db/pglite-template.ts";

const dir = join(process.argv[2] ?? "", "pgdata");
const cacheMb = process.argv[3];
if (import.meta.main) {
  const isNew = !existsSync(join(dir, "PG_VERSION"));
  if (isNew) mkdirSync(dir, { recursive: true });
  const pg = await PGlite.create(dir, {
    ...(isNew ? { loadDataDir: await pgliteTemplate() } : {}),
    ...(cacheMb ? { startParams: startParams(PGlite.defaultStartParams, Number(cacheMb)) } : {}),
  });
  await pg.query("select 1");
  await pg.close();
}
