import { eq } from "drizzle-orm";
import { chatTeamChannels } from "../chat/schema.ts";
import type { AppContext } from "../context.ts";
import type { JobDefinition } from "../jobs/job.ts";
import { queueSlackCall } from "./api.ts";
import { bottomLinesMessage } from "./messages.ts";

/**
 * Posts each connected team's bottom lines of the period that just closed to its Slack
 * channel, once per period (the outbox's dedupe key), through the outbound queue.
 */
export async function postBottomLines(ctx: AppContext, now: Date): Promise<number> {
  const config = ctx.config.slack;
  const updates = ctx.plugins.enabledProvider("chat.updates");
  if (!config || !updates) return 0;
  const channels = await ctx.db.select().from(chatTeamChannels).where(eq(chatTeamChannels.provider, "slack"));
  let queued = 0;
  for (const { teamId, channelId } of channels) {
    const summary = await updates.bottomLines(teamId);
    if (!summary) continue;
    const sent = await queueSlackCall(
      ctx.db,
      config,
      {
        method: "chat.postMessage",
        args: { channel: channelId, ...bottomLinesMessage(summary, ctx.config.baseUrl) } as never,
        dedupeKey: `bottom-lines:${teamId}:${summary.periodKey}`,
        eventType: "team.bottom-lines",
        targetId: teamId,
      },
      now,
    );
    if (sent) queued++;
  }
  return queued;
}

export function slackJobs(ctx: AppContext): JobDefinition[] {
  return [
    {
      id: "core.slack-bottom-lines",
      schedule: "5 * * * *",
      scope: "global",
      description: "Posts each team's bottom lines to its Slack channel once its update period closes.",
      async run({ clock }) {
        if (!ctx.config.slack) return "Slack is not configured";
        return `queued ${await postBottomLines(ctx, clock.now())} channel posts`;
      },
    },
  ];
}
