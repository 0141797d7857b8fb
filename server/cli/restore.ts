import { existsSync } from "node:fs";
import { z } from "zod";
import { restoreBackup } from "../backup/restore.ts";
import { defineBareCommand } from "./commands.ts";

export const restoreCommand = defineBareCommand({
  name: "restore",
  summary: "Restore a backup into an empty database or data directory (the server must be stopped).",
  boot: false,
  positionals: [
    { name: "file", description: "A backup written by `desktrust backup` or the scheduled job", required: true },
  ],
  options: z.object({
    force: z.boolean().default(false).describe("Replace a database that already holds data"),
  }),
  async run(ctx, args) {
    const file = args._[0] as string;
    if (!existsSync(file)) return ctx.fail(`no such file: ${file}`);
    const result = await restoreBackup(ctx.database, file, { force: args.force, databaseUrl: ctx.config.databaseUrl });
    if (!result.ok) return ctx.fail(result.message);
    const where = ctx.database.driver === "pglite" ? `PGlite in ${ctx.config.dataDir}` : "Postgres";
    const counts = result.format === "logical" ? `${result.tables} tables, ${result.rows} rows` : "pg_restore finished";
    ctx.print(`Restored ${file} into ${where} (${counts}).`);
    ctx.print("Start the server (or run `desktrust migrate`) to apply any newer migrations.");
    return 0;
  },
});
