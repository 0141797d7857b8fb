import { join } from "node:path";
import { z } from "zod";
import { makeBackup } from "../backup/backup.ts";
import { defineCommand } from "./commands.ts";

export const backupCommand = defineCommand({
  name: "backup",
  summary: "Write a consistent backup of the whole database (safe while the server runs on Postgres).",
  options: z.object({
    to: z.string().min(1, "a directory").optional().describe("Directory to write to (default: BACKUP_DIR)"),
  }),
  async run(ctx, args) {
    const backup = await makeBackup(ctx.app, { trigger: "cli", directory: args.to });
    ctx.print(`Wrote ${join(backup.directory, backup.fileName)}`);
    ctx.print(`  format ${backup.format}, ${backup.sizeBytes} bytes, SHA-256 ${backup.sha256}`);
    if (backup.uploadedTo) ctx.print(`  uploaded to ${backup.uploadedTo}`);
    return 0;
  },
});
