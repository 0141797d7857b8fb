import type { AppContext } from "../context.ts";
import type { JobDefinition } from "../jobs/job.ts";
import { makeBackup } from "./backup.ts";
import { newestBackupAgeSeconds } from "./records.ts";

/** The scheduled backup (BACKUP_SCHEDULE, daily by default); none when switched off. */
export function backupJobs(ctx: AppContext): JobDefinition[] {
  const schedule = ctx.config.backup.schedule;
  if (!schedule) return [];
  return [
    {
      id: "core.backup",
      schedule,
      scope: "global",
      description: `Writes a consistent backup to the backup directory and keeps the newest ${ctx.config.backup.keep}.`,
      async run() {
        const backup = await makeBackup(ctx, { trigger: "schedule" });
        return `${backup.fileName} (${backup.format}, ${backup.sizeBytes} bytes)`;
      },
    },
  ];
}

/** `desktrust_backup_newest_age_seconds` on /metrics. */
export function registerBackupMetrics(ctx: AppContext): void {
  ctx.metrics.gauge(
    "desktrust_backup_newest_age_seconds",
    "Seconds since the newest backup finished (+Inf before the first one).",
    () => newestBackupAgeSeconds(ctx.db, ctx.clock.now()),
  );
}
