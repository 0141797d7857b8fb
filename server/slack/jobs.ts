import { and, eq } from "drizzle-orm";
import { chatTeamChannels } from "../chat/schema.ts";
import type { AppContext } from "../context.ts";
import type { JobDefinition } from "../jobs/job.ts";
import { bottomLinesWindow } from "../outbound/chat/posts.ts";
import { teams } from "../people/schema.ts";
import { queueSlackCall } from "./api.ts";
import { bottomLinesMessage } from "./messages.ts";

/**
 * Posts each connected team's bottom lines of the period that just closed to its Slack channel,
 * through the outbound queue, once per period (the dedupe key names team and period). Like the
 * other chat services, it posts on the first morning of the next period; `anyTime` (an admin's
 * "post now") skips that window.
 */
export async function postBottomLines(
  ctx: AppContext,
  now: Date,
  options: { anyTime?: boolean } = {},
): Promise<number> {
  const config = ctx.config.slack;
  const updates = ctx.plugins.activeProvider("status.team-updates");
  if (!config || !updates) return 0;
  const channels = await ctx.db
    .select({ teamId: teams.id, name: teams.name, timeZone: teams.timeZone, channelId: chatTeamChannels.channelId })
    .from(chatTeamChannels)
    .innerJoin(teams, eq(teams.id, chatTeamChannels.teamId))
    .where(and(eq(chatTeamChannels.provider, "slack")));
  let queued = 0;
  for (const team of channels) {
    const current = await updates.periodAt(team.teamId, now);
    if (!current) continue;
    const window = bottomLinesWindow(current, team.timeZone);
    if (!options.anyTime && !(now >= window.from && now < window.until)) continue;
    const closed = await updates.periodAt(team.teamId, new Date(current.start.getTime() - 1));
    const lines = closed ? await updates.bottomLines(team.teamId, closed.key) : [];
    if (!closed || !lines.length) continue;
    const summary = {
      title: `${team.name}: bottom lines, ${closed.label}`,
      lines: lines.map((l) => ({ author: l.authorName, text: l.bottomLine, link: l.link })),
    };
    const sent = await queueSlackCall(
      ctx.db,
      config,
      {
        method: "chat.postMessage",
        args: { channel: team.channelId, ...bottomLinesMessage(summary, ctx.config.baseUrl) } as never,
        dedupeKey: `bottom-lines:${team.teamId}:${closed.key}`,
        eventType: "updates.bottom-lines",
        targetId: team.teamId,
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
      description:
        "Posts each team's bottom lines to its Slack channel on the first morning of its next update period.",
      async run({ clock }) {
        if (!ctx.config.slack) return "Slack is not configured";
        return `queued ${await postBottomLines(ctx, clock.now())} channel posts`;
      },
    },
  ];
}
