import { z } from "zod";
import { defineCommand } from "./commands.ts";

export const migrateCommand = defineCommand({
  name: "migrate",
  summary: "Apply pending database migrations and list what was applied.",
  options: z.object({}),
  async run(ctx) {
    const applied = ctx.migrations.flatMap((report) => report.applied.map((hash) => `${report.owner} ${hash}`));
    const where = ctx.app.database.driver === "pglite" ? `PGlite in ${ctx.app.config.dataDir}` : "Postgres";
    if (applied.length === 0) {
      ctx.print(`Database is up to date (${where}); no migrations were pending.`);
      return 0;
    }
    ctx.print(`Applied ${applied.length} migration${applied.length === 1 ? "" : "s"} (${where}):`);
    for (const line of applied) ctx.print(`  ${line}`);
    return 0;
  },
});
