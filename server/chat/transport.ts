import type { Config } from "../config.ts";
import type { DbOrTx } from "../db/index.ts";
import type { NotificationAction } from "../notifications/notifications.ts";
import { queueSlackNotices } from "../slack/notices.ts";

/** A notification on its way to chat. */
export interface ChatNotice {
  /** The notification's id; with `dedupeKey`, what makes the chat message go out once. */
  id: string;
  personId: string;
  title: string;
  body?: string;
  link?: string;
  action?: NotificationAction;
  dedupeKey?: string;
  /** Quiet hours: send no earlier than this. */
  holdUntil: Date | null;
}

/** Sends notifications to people's linked chat accounts, through the outbound queue. */
export interface ChatTransport {
  queue(db: DbOrTx, notices: ChatNotice[], at: Date): Promise<void>;
}

/** The chat services this install is connected to (Slack when configured), or undefined. */
export function chatTransport(config: Config): ChatTransport | undefined {
  const slack = config.slack;
  if (!slack) return undefined;
  return { queue: (db, notices, at) => queueSlackNotices(db, slack, config.baseUrl, notices, at) };
}
