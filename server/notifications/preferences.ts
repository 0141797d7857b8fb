import type { DbOrTx } from "../db/index.ts";

/** What a notification is about; preferences are chosen per kind. */
export const notificationKinds = [
  "ask",
  "answer",
  "comment",
  "mention",
  "review-request",
  "reminder",
  "alert",
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** Where a person hears about something. */
export interface Channels {
  portal: boolean;
  email: boolean;
}

/**
 * The defaults: everything that waits on a person or answers them reaches them at once, in the
 * portal and by email.
 */
export const defaultChannels: Readonly<Record<NotificationKind, Channels>> = {
  ask: { portal: true, email: true },
  answer: { portal: true, email: true },
  comment: { portal: true, email: true },
  mention: { portal: true, email: true },
  "review-request": { portal: true, email: true },
  reminder: { portal: true, email: true },
  alert: { portal: true, email: true },
};

/**
 * How each person hears about one kind of notification: the one place that decides portal and
 * email. Everyone has the defaults today; per-person choices (and more channels) plug in here.
 */
export async function channelsFor(
  _db: DbOrTx,
  personIds: string[],
  kind: NotificationKind,
): Promise<Map<string, Channels>> {
  return new Map(personIds.map((id) => [id, defaultChannels[kind]]));
}
