import { and, eq, or } from "drizzle-orm";
import { formatInstant } from "../../../views/format.ts";
import type { AppContext } from "../../context.ts";
import { teams } from "../../people/schema.ts";
import type { TeamUpdatePeriod } from "../../plugins/hooks.ts";
import { chatConnections } from "../schema.ts";
import { queueChatPost } from "./connections.ts";
import { type ChatMessage, lowerFirst } from "./payloads.ts";

/** A local wall-clock time on the day of `at` in `timeZone`, as an instant. */
function localTimeOn(at: Date, timeZone: string, time: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime())
    .toZonedDateTimeISO(timeZone)
    .withPlainTime(Temporal.PlainTime.from(time));
}

/**
 * When a team's channel hears about its updates. Reminder: 09:00 team time on the due day (or
 * two hours before a due time earlier than that), while some are missing. Bottom lines of the
 * period just ended: 09:00 team time on the first day of the next period, for one day (a
 * connection added mid-week does not post an old week).
 */
export function reminderWindow(period: TeamUpdatePeriod, timeZone: string): { from: Date; until: Date } {
  const morning = localTimeOn(period.dueAt, timeZone, "09:00").epochMilliseconds;
  const from = Math.min(morning, period.dueAt.getTime() - 2 * 3_600_000);
  return { from: new Date(from), until: period.dueAt };
}

export function bottomLinesWindow(current: TeamUpdatePeriod, timeZone: string): { from: Date; until: Date } {
  const morning = localTimeOn(current.start, timeZone, "09:00");
  return { from: new Date(morning.epochMilliseconds), until: new Date(morning.add({ days: 1 }).epochMilliseconds) };
}

const inWindow = (now: Date, w: { from: Date; until: Date }): boolean => now >= w.from && now < w.until;

/**
 * Queues each enabled channel's reminder and weekly bottom lines when they are due. Dedupe keys
 * name the connection and the period, so every run may look again: each post is queued once.
 * Written updates come from the "status.team-updates" hook; without it there is nothing to post.
 */
export async function queueChatPosts(ctx: AppContext, now: Date): Promise<{ reminders: number; bottomLines: number }> {
  const report = { reminders: 0, bottomLines: 0 };
  const provider = ctx.plugins.activeProvider("status.team-updates");
  if (!provider) return report;
  const connections = await ctx.db
    .select({
      id: chatConnections.id,
      service: chatConnections.service,
      urlHint: chatConnections.urlHint,
      postReminders: chatConnections.postReminders,
      postBottomLines: chatConnections.postBottomLines,
      teamId: teams.id,
      teamName: teams.name,
      timeZone: teams.timeZone,
    })
    .from(chatConnections)
    .innerJoin(teams, eq(teams.id, chatConnections.teamId))
    .where(
      and(
        eq(chatConnections.enabled, true),
        or(eq(chatConnections.postReminders, true), eq(chatConnections.postBottomLines, true)),
      ),
    );
  const base = ctx.config.baseUrl;
  for (const c of connections) {
    const current = await provider.periodAt(c.teamId, now);
    if (!current) continue;
    if (c.postReminders && current.written < current.expected && inWindow(now, reminderWindow(current, c.timeZone))) {
      const message: ChatMessage = {
        title: `${c.teamName}: updates are due ${formatInstant(current.dueAt, c.timeZone)}`,
        summary: `${current.written} of ${current.expected} written so far for the ${lowerFirst(current.label)}. Bottom line first, then your ask.`,
        items: [],
        action: { title: "Write your update", url: `${base}${current.writeLink}` },
      };
      const key = `chat:${c.id}:reminder:${current.key}`;
      if (await queueChatPost(ctx.db, c, { dedupeKey: key, eventType: "updates.reminder", message }, now))
        report.reminders++;
    }
    if (c.postBottomLines && inWindow(now, bottomLinesWindow(current, c.timeZone))) {
      const previous = await provider.periodAt(c.teamId, new Date(current.start.getTime() - 1));
      const lines = previous ? await provider.bottomLines(c.teamId, previous.key) : [];
      if (!previous || !lines.length) continue;
      const message: ChatMessage = {
        title: `${c.teamName}: bottom lines, ${lowerFirst(previous.label)}`,
        summary: `${lines.length} of ${previous.expected} wrote an update.`,
        items: lines.map((l) => ({
          label: l.authorName,
          text: l.bottomLine || "(no bottom line)",
          url: `${base}${l.link}`,
        })),
        action: { title: "Read the updates", url: `${base}${previous.feedLink}` },
      };
      const key = `chat:${c.id}:bottom-lines:${previous.key}`;
      if (await queueChatPost(ctx.db, c, { dedupeKey: key, eventType: "updates.bottom-lines", message }, now))
        report.bottomLines++;
    }
  }
  return report;
}
