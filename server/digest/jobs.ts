import { and, lt, sql } from "drizzle-orm";
import { sessions } from "../auth/schema.ts";
import { backupJobs } from "../backup/job.ts";
import type { AppContext } from "../context.ts";
import { eventDeliveries } from "../events/schema.ts";
import type { JobDefinition } from "../jobs/job.ts";
import { pruneClaims } from "../jobs/scheduler.ts";
import { deliverDue } from "../mail/outbox.ts";
import { sendDueDigests } from "./digest.tsx";

/** Core's scheduled work: mail delivery, digests, housekeeping, backups. */
export function coreJobs(ctx: AppContext): JobDefinition[] {
  return [
    {
      id: "core.mail-delivery",
      schedule: "* * * * *",
      // Messages are claimed row by row, so every instance may deliver.
      scope: "local",
      description: "Sends queued mail from the outbox over SMTP, retrying with backoff.",
      async run({ db, clock, logger }) {
        if (!ctx.mailer) return "no SMTP configured: mail stays in the outbox";
        let sent = 0;
        let failed = 0;
        for (let round = 0; round < 20; round++) {
          const report = await deliverDue(db, ctx.mailer, clock.now(), logger);
          sent += report.sent;
          failed += report.retried + report.failed;
          if (report.sent + report.retried + report.failed === 0) break;
        }
        return `sent ${sent}, failed ${failed}`;
      },
    },
    {
      id: "core.digest",
      schedule: "*/15 * * * *",
      scope: "global",
      description: "Queues weekly (Monday 08:00 local) and daily digests for the people they are due for.",
      async run({ clock }) {
        const report = await sendDueDigests(ctx, clock.now());
        return `${report.queued} queued, ${report.empty} empty, ${report.due} due`;
      },
    },
    {
      id: "core.housekeeping",
      schedule: "17 3 * * *",
      scope: "global",
      description: "Removes expired sessions, old job claims and delivered events older than 30 days.",
      async run({ db, clock }) {
        const now = clock.now();
        const monthAgo = new Date(now.getTime() - 30 * 86_400_000);
        await db.delete(sessions).where(lt(sessions.expiresAt, now));
        await pruneClaims(db, monthAgo);
        await db
          .delete(eventDeliveries)
          .where(and(sql`${eventDeliveries.status} = 'done'`, lt(eventDeliveries.doneAt, monthAgo)));
        return "done";
      },
    },
    ...backupJobs(ctx),
  ];
}
