import type { ChatNotice } from "../chat/transport.ts";
import type { SlackConfig } from "../config.ts";
import type { DbOrTx } from "../db/index.ts";
import { slackUserIds } from "./accounts.ts";
import { queueSlackCall } from "./api.ts";
import { noticeMessage } from "./messages.ts";

/**
 * Queues each notice as a direct message from the app to the person's linked Slack user
 * (`chat.postMessage` to a user id opens the app's DM with them), in the caller's transaction,
 * held until their quiet hours end.
 */
export async function queueSlackNotices(
  db: DbOrTx,
  config: SlackConfig,
  baseUrl: string,
  notices: ChatNotice[],
  at: Date,
): Promise<void> {
  const users = await slackUserIds(db, [...new Set(notices.map((n) => n.personId))]);
  for (const notice of notices) {
    const channel = users.get(notice.personId);
    if (!channel) continue;
    await queueSlackCall(
      db,
      config,
      {
        method: "chat.postMessage",
        args: { channel, ...noticeMessage(notice, baseUrl) } as never,
        dedupeKey: `notice:${notice.dedupeKey ?? notice.id}`,
        eventType: "notification",
        targetId: notice.personId,
        notBefore: notice.holdUntil,
      },
      at,
    );
  }
}
