import { and, lt, sql } from "drizzle-orm";
import { sessions } from "../auth/schema.ts";
import { backupJobs } from "../backup/job.ts";
import type { AppContext } from "../context.ts";
import { eventDeliveries } from "../events/schema.ts";
import type { JobDefinition } from "../jobs/job.ts";
import { pruneClaims } from "../jobs/scheduler.ts";
import { runMailDelivery } from "../mail/delivery-run.ts";
import { queueChatPosts } from "../outbound/chat/posts.ts";
import { runOutboundDelivery } from "../outbound/delivery-run.ts";
import { pruneDeliveries } from "../outbound/outbox.ts";
import { slackJobs } from "../slack/jobs.ts";
import { sendDueDigests } from "./digest.tsx";

/** Core's scheduled work: mail and outbound delivery, digests, housekeeping, backups. */
export function coreJobs(ctx: AppContext): JobDefinition[] {
  return [
    {
      id: "core.mail-delivery",
      schedule: "* * * * *",
      // Messages are claimed row by row, so every instance may deliver.
      scope: "local",
      description: "Sends queued mail over SMTP, retrying with backoff for 72 hours before holding it for an admin.",
      async run({ db, clock, logger }) {
        if (!ctx.mailer) return "no SMTP configured: mail stays in the outbox";
        const report = await runMailDelivery(
          { db, mailer: ctx.mailer, logger, baseUrl: ctx.config.baseUrl },
          clock.now(),
        );
        return `sent ${report.sent}, retrying ${report.retried}, held ${report.held}, dropped ${report.dropped}`;
      },
    },
    {
      id: "core.outbound-delivery",
      schedule: "* * * * *",
      // Deliveries are claimed row by row, so every instance may deliver.
      scope: "local",
      description:
        "Sends outgoing webhooks and chat posts, retrying with backoff for 72 hours before holding them for an admin.",
      async run({ db, clock, logger }) {
        const report = await runOutboundDelivery(
          { db, signers: ctx.outboundSigners, logger, baseUrl: ctx.config.baseUrl },
          clock.now(),
        );
        return `delivered ${report.delivered}, retrying ${report.retried}, held ${report.held}, dropped ${report.dropped}`;
      },
    },
    {
      id: "core.chat-posts",
      schedule: "*/15 * * * *",
      scope: "global",
      description:
        "Queues each team's chat channel posts: the update reminder on the due day and last period's bottom lines.",
      async run({ clock }) {
        const report = await queueChatPosts(ctx, clock.now());
        if (report.reminders + report.bottomLines > 0) ctx.outboundKick.kick();
        return `${report.reminders} reminders, ${report.bottomLines} bottom-line posts queued`;
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
      description:
        "Removes expired sessions, old job claims, and delivered events and outbound deliveries older than 30 days.",
      async run({ db, clock }) {
        const now = clock.now();
        const monthAgo = new Date(now.getTime() - 30 * 86_400_000);
        await db.delete(sessions).where(lt(sessions.expiresAt, now));
        await pruneClaims(db, monthAgo);
        await db
          .delete(eventDeliveries)
          .where(and(sql`${eventDeliveries.status} = 'done'`, lt(eventDeliveries.doneAt, monthAgo)));
        await pruneDeliveries(db, monthAgo);
        return "done";
      },
    },
    ...backupJobs(ctx),
    ...slackJobs(ctx),
  ];
}
