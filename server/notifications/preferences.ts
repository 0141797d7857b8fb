import { and, eq, inArray, sql } from "drizzle-orm";
import { chatAccounts } from "../chat/schema.ts";
import type { DbOrTx } from "../db/index.ts";
import { digestPreferences } from "../digest/schema.ts";
import { people } from "../people/schema.ts";
import { notificationPreferences, quietHours } from "./schema.ts";

/** What a notification is about; preferences are chosen per kind. */
export const notificationKinds = [
  "ask",
  "answer",
  "comment",
  "mention",
  "reminder",
  "sla-warning",
  "sla-breach",
  "review-request",
  "debrief-due",
  "invitation",
  "kudos",
  "digest",
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** How each kind is named on the preferences page. */
export const kindLabels: Readonly<Record<NotificationKind, string>> = {
  ask: "An ask for you",
  answer: "An answer to your ask",
  comment: "A comment on your update",
  mention: "A mention of you",
  reminder: "Your update is due",
  "sla-warning": "An ask nears its response time",
  "sla-breach": "An ask passed its response time",
  "review-request": "A review request",
  "debrief-due": "A debrief note is due",
  invitation: "Invitations (writing pairs, workshops, meeting polls)",
  kudos: "Kudos for you",
  digest: "The digest",
};

export const notificationChannels = ["portal", "email", "chat"] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

/** Where a person hears about something. */
export type Channels = Record<NotificationChannel, boolean>;

/** Channels, and the instant email and chat wait for when quiet hours hold them (null: at once). */
export type Delivery = Channels & { holdUntil: Date | null };

/**
 * The defaults: everything that waits on a person or answers them reaches them at once, in the
 * portal and by email, and in chat once they have linked a chat account. The digest is an email
 * whose frequency is set on its own (weekly, daily or off).
 */
export const defaultChannels: Readonly<Record<NotificationKind, Channels>> = Object.fromEntries(
  notificationKinds.map((kind) => [
    kind,
    kind === "digest" ? { portal: false, email: true, chat: false } : { portal: true, email: true, chat: true },
  ]),
) as Record<NotificationKind, Channels>;

/** The channels a kind can use at all: the digest is an email only. */
export function channelsOf(kind: NotificationKind): readonly NotificationChannel[] {
  return kind === "digest" ? ["email"] : notificationChannels;
}

/** One person's saved choices and quiet hours, for the preferences page. */
export interface PersonPreferences {
  channels: Record<NotificationKind, Channels>;
  quietHours: { starts: string; ends: string } | null;
  chatLinked: boolean;
}

/**
 * How each person hears about one kind of notification: the one place that decides portal,
 * email and chat. Saved choices win over the defaults; chat needs a linked chat account; during
 * the person's quiet hours (in their own time zone) email and chat carry `holdUntil`, the
 * instant quiet hours end. Pass `at` (the injected clock's now) to apply quiet hours.
 */
export async function channelsFor(
  db: DbOrTx,
  personIds: string[],
  kind: NotificationKind,
  at?: Date,
): Promise<Map<string, Delivery>> {
  const ids = [...new Set(personIds)];
  if (!ids.length) return new Map();
  const [saved, linked, quiet, digest] = await Promise.all([
    db
      .select()
      .from(notificationPreferences)
      .where(and(inArray(notificationPreferences.personId, ids), eq(notificationPreferences.kind, kind))),
    db.select({ personId: chatAccounts.personId }).from(chatAccounts).where(inArray(chatAccounts.personId, ids)),
    at
      ? db
          .select({
            personId: quietHours.personId,
            starts: quietHours.starts,
            ends: quietHours.ends,
            timeZone: people.timeZone,
          })
          .from(quietHours)
          .innerJoin(people, eq(people.id, quietHours.personId))
          .where(inArray(quietHours.personId, ids))
      : Promise.resolve([]),
    kind === "digest"
      ? db.select().from(digestPreferences).where(inArray(digestPreferences.personId, ids))
      : Promise.resolve([]),
  ]);
  const savedOf = new Map(saved.map((row) => [row.personId, row]));
  const linkedIds = new Set(linked.map((row) => row.personId));
  const quietOf = new Map(quiet.map((row) => [row.personId, row]));
  const digestOff = new Set(digest.filter((row) => row.frequency === "off").map((row) => row.personId));
  const allowed = new Set(channelsOf(kind));
  return new Map(
    ids.map((id) => {
      const chosen = savedOf.get(id) ?? defaultChannels[kind];
      const q = quietOf.get(id);
      return [
        id,
        {
          portal: allowed.has("portal") && chosen.portal,
          email: allowed.has("email") && chosen.email && !digestOff.has(id),
          chat: allowed.has("chat") && chosen.chat && linkedIds.has(id),
          holdUntil: q && at ? quietHoursEnd(q, q.timeZone, at) : null,
        },
      ];
    }),
  );
}

/**
 * When the quiet hours around `at` end, or null when `at` is outside them. Hours are local
 * wall-clock times in `timeZone`, half-open (`22:00`–`07:00` holds 22:00 up to 06:59), and may
 * wrap past midnight; equal start and end mean no quiet hours.
 */
export function quietHoursEnd(hours: { starts: string; ends: string }, timeZone: string, at: Date): Date | null {
  if (hours.starts === hours.ends) return null;
  const local = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);
  const now = local.toPlainTime();
  const starts = Temporal.PlainTime.from(hours.starts);
  const ends = Temporal.PlainTime.from(hours.ends);
  const wraps = Temporal.PlainTime.compare(starts, ends) > 0;
  const afterStart = Temporal.PlainTime.compare(now, starts) >= 0;
  const beforeEnd = Temporal.PlainTime.compare(now, ends) < 0;
  const quiet = wraps ? afterStart || beforeEnd : afterStart && beforeEnd;
  if (!quiet) return null;
  // Ending tomorrow when the quiet hours began this evening and wrap past midnight.
  const day = wraps && afterStart ? local.toPlainDate().add({ days: 1 }) : local.toPlainDate();
  const end = day.toZonedDateTime({ timeZone, plainTime: ends });
  return new Date(end.epochMilliseconds);
}

/** A person's saved preferences with the defaults filled in. */
export async function preferencesOf(db: DbOrTx, personId: string): Promise<PersonPreferences> {
  const [saved, [quiet], [linked]] = await Promise.all([
    db.select().from(notificationPreferences).where(eq(notificationPreferences.personId, personId)),
    db.select().from(quietHours).where(eq(quietHours.personId, personId)),
    db.select({ personId: chatAccounts.personId }).from(chatAccounts).where(eq(chatAccounts.personId, personId)),
  ]);
  const channels = { ...defaultChannels };
  for (const row of saved) {
    if ((notificationKinds as readonly string[]).includes(row.kind))
      channels[row.kind as NotificationKind] = { portal: row.portal, email: row.email, chat: row.chat };
  }
  return {
    channels,
    quietHours: quiet ? { starts: quiet.starts, ends: quiet.ends } : null,
    chatLinked: Boolean(linked),
  };
}

/** Saves a person's channels for every kind and their quiet hours (null clears them); run it in a transaction. */
export async function savePreferences(
  db: DbOrTx,
  personId: string,
  input: { channels: Record<NotificationKind, Channels>; quietHours: { starts: string; ends: string } | null },
  now: Date,
): Promise<void> {
  const rows = notificationKinds
    .filter((kind) => kind !== "digest")
    .map((kind) => ({ personId, kind, ...input.channels[kind], updatedAt: now }));
  await db
    .insert(notificationPreferences)
    .values(rows)
    .onConflictDoUpdate({
      target: [notificationPreferences.personId, notificationPreferences.kind],
      set: {
        portal: sql.raw("excluded.portal"),
        email: sql.raw("excluded.email"),
        chat: sql.raw("excluded.chat"),
        updatedAt: now,
      },
    });
  if (input.quietHours) {
    await db
      .insert(quietHours)
      .values({ personId, ...input.quietHours, updatedAt: now })
      .onConflictDoUpdate({ target: quietHours.personId, set: { ...input.quietHours, updatedAt: now } });
  } else {
    await db.delete(quietHours).where(eq(quietHours.personId, personId));
  }
}
