import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import type { ChatTransport } from "../chat/transport.ts";
import type { Db, DbOrTx } from "../db/index.ts";
import { queueMails } from "../mail/outbox.ts";
import type { MailAttachment } from "../mail/schema.ts";
import { people } from "../people/schema.ts";
import { channelsFor, type Delivery, type NotificationKind } from "./preferences.ts";
import { notifications } from "./schema.ts";

export type Notification = typeof notifications.$inferSelect;

export interface NewNotification {
  personId: string;
  title: string;
  body?: string;
  /** A portal path, e.g. `/sla/asks/<id>`. */
  link?: string;
  /** Makes the call idempotent: the same key notifies once (use the event id in handlers). */
  dedupeKey?: string;
  /**
   * What it is about. With a kind, the person's preference for that kind decides portal and
   * email (see `channelsFor`); without one, `email` does.
   */
  kind?: NotificationKind;
  /** Also email the person (queued in the outbox with the same dedupe key); ignored with `kind`. */
  email?: boolean;
  /**
   * What the person can do about it from chat: a button beside the message. `write-update`
   * opens the update form for a team; `answer-ask` answers an ask (and stops its SLA clock).
   */
  action?: NotificationAction;
  /**
   * How the email reads, when the person gets one: a subject and text other than the title and
   * body, and attachments (a calendar invitation). The person's channels still decide whether it goes.
   */
  mail?: { subject?: string; text?: string; attachments?: MailAttachment[] };
}

/** A chat button's meaning; the plugin that owns the thing provides what the button does. */
export type NotificationAction = { type: "write-update"; teamId: string } | { type: "answer-ask"; askId: string };

/** How each notification in a batch is delivered, one preference look-up per kind. */
async function deliveriesOf(db: DbOrTx, list: NewNotification[], at: Date): Promise<Delivery[]> {
  const byKind = new Map<NotificationKind, Map<string, Delivery>>();
  for (const kind of new Set(list.flatMap((n) => (n.kind ? [n.kind] : [])))) {
    const ids = [...new Set(list.filter((n) => n.kind === kind).map((n) => n.personId))];
    byKind.set(kind, await channelsFor(db, ids, kind, at));
  }
  return list.map((n) =>
    n.kind
      ? (byKind.get(n.kind)?.get(n.personId) ?? { portal: true, email: false, chat: false, holdUntil: null })
      : { portal: true, email: n.email === true, chat: false, holdUntil: null },
  );
}

/**
 * Tells every active owner and admin in the portal, once per admin and day for a given `topic`
 * (however many runs report the same trouble): for troubles email may not reach them about.
 */
export async function notifyAdmins(
  db: Db,
  input: { topic: string; title: string; body: string; link: string },
  context: { at: Date; baseUrl: string },
): Promise<void> {
  const admins = await db
    .select({ id: people.id })
    .from(people)
    .where(and(inArray(people.role, ["owner", "admin"]), eq(people.status, "active")));
  const day = context.at.toISOString().slice(0, 10);
  await notifyMany(
    db,
    admins.map((admin) => ({
      personId: admin.id,
      title: input.title,
      body: input.body,
      link: input.link,
      dedupeKey: `${input.topic}:${admin.id}:${day}`,
    })),
    { source: "core", ...context },
  );
}

/** Notifies a person in the portal, and by email when asked. Returns false for a duplicate key. */
export async function notify(db: DbOrTx, input: NewNotification & NotifyContext): Promise<boolean> {
  const { source, at, baseUrl, chat, ...notification } = input;
  return (await notifyMany(db, [notification], { source, at, baseUrl, chat })) > 0;
}

/** Who notifies and when; `chat` sends to linked chat accounts (absent when no chat service is connected). */
export interface NotifyContext {
  source: string;
  at: Date;
  baseUrl: string;
  chat?: ChatTransport | undefined;
}

/**
 * Notifies many people at once: one insert for the notifications and one for their emails,
 * instead of two statements per person. Duplicate dedupe keys are skipped (a retried event
 * handler notifies once). Returns how many were new.
 */
export async function notifyMany(db: DbOrTx, list: NewNotification[], context: NotifyContext): Promise<number> {
  let created = 0;
  for (let i = 0; i < list.length; i += 500) {
    // Ids are chosen here so each inserted row can be matched back to what asked for email.
    const slice = list.slice(i, i + 500);
    const deliveries = await deliveriesOf(db, slice, context.at);
    const chunk = slice.map((n, j) => ({ ...n, id: crypto.randomUUID(), channels: deliveries[j] as Delivery }));
    const inserted = await db
      .insert(notifications)
      .values(
        chunk.map((n) => ({
          id: n.id,
          personId: n.personId,
          source: context.source,
          title: n.title.slice(0, 300),
          body: (n.body ?? "").slice(0, 4000),
          link: n.link ?? null,
          dedupeKey: n.dedupeKey ?? null,
          createdAt: context.at,
          // Kept even when the portal is off, read already: the row is what makes the key notify once.
          readAt: n.channels.portal ? null : context.at,
        })),
      )
      .onConflictDoNothing({ target: notifications.dedupeKey })
      .returning({ id: notifications.id });
    created += inserted.length;
    const isNew = new Set(inserted.map((row) => row.id));
    const toChat = chunk.filter((n) => n.channels.chat && isNew.has(n.id));
    if (toChat.length && context.chat)
      await context.chat.queue(
        db,
        toChat.map((n) => ({ ...n, holdUntil: n.channels.holdUntil })),
        context.at,
      );
    const toEmail = chunk.filter((n) => n.channels.email && isNew.has(n.id));
    if (!toEmail.length) continue;
    const recipients = await db
      .select({ id: people.id, email: people.email })
      .from(people)
      .where(and(inArray(people.id, [...new Set(toEmail.map((n) => n.personId))]), eq(people.status, "active")));
    const emailOf = new Map(recipients.map((p) => [p.id, p.email]));
    const mails = toEmail.flatMap((n) => {
      const to = emailOf.get(n.personId);
      if (!to) return [];
      return [
        {
          dedupeKey: `notify:${n.dedupeKey ?? n.id}`,
          to,
          subject: n.mail?.subject ?? n.title,
          notBefore: n.channels.holdUntil,
          text: [n.mail?.text ?? n.body ?? "", n.link ? `${context.baseUrl}${n.link}` : ""]
            .filter(Boolean)
            .join("\n\n"),
          attachments: n.mail?.attachments ?? [],
        },
      ];
    });
    await queueMails(db, mails, context.at);
  }
  return created;
}

export async function notificationsFor(db: Db, personId: string, limit = 100): Promise<Notification[]> {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.personId, personId))
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
}

export async function unreadCount(db: Db, personId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.personId, personId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks one (or, without an id, all) of a person's notifications read. */
export async function markRead(db: Db, personId: string, at: Date, id?: string): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: at })
    .where(
      and(
        eq(notifications.personId, personId),
        isNull(notifications.readAt),
        id ? eq(notifications.id, id) : undefined,
      ),
    )
    .returning({ id: notifications.id });
  return rows.length;
}
