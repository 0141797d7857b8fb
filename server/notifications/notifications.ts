import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db, DbOrTx } from "../db/index.ts";
import { queueMail, queueMails } from "../mail/outbox.ts";
import { people } from "../people/schema.ts";
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
  /** Also email the person (queued in the outbox with the same dedupe key). */
  email?: boolean;
}

/** Notifies a person in the portal, and by email when asked. Returns false for a duplicate key. */
export async function notify(
  db: DbOrTx,
  input: NewNotification & { source: string; at: Date; baseUrl: string },
): Promise<boolean> {
  const inserted = await db
    .insert(notifications)
    .values({
      personId: input.personId,
      source: input.source,
      title: input.title.slice(0, 300),
      body: (input.body ?? "").slice(0, 4000),
      link: input.link ?? null,
      dedupeKey: input.dedupeKey ?? null,
      createdAt: input.at,
    })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id });
  if (!inserted.length) return false;
  if (input.email) {
    const [person] = await db
      .select({ email: people.email, status: people.status })
      .from(people)
      .where(eq(people.id, input.personId));
    if (person?.status === "active") {
      await queueMail(
        db,
        {
          dedupeKey: `notify:${input.dedupeKey ?? (inserted[0] as { id: string }).id}`,
          to: person.email,
          subject: input.title,
          text: [input.body ?? "", input.link ? `${input.baseUrl}${input.link}` : ""].filter(Boolean).join("\n\n"),
        },
        input.at,
      );
    }
  }
  return true;
}

/**
 * Notifies many people at once: one insert for the notifications and one for their emails,
 * instead of two statements per person. Duplicate dedupe keys are skipped, as with `notify`.
 * Returns how many were new.
 */
export async function notifyMany(
  db: DbOrTx,
  list: NewNotification[],
  context: { source: string; at: Date; baseUrl: string },
): Promise<number> {
  let created = 0;
  for (let i = 0; i < list.length; i += 500) {
    const chunk = list.slice(i, i + 500);
    const inserted = await db
      .insert(notifications)
      .values(
        chunk.map((n) => ({
          personId: n.personId,
          source: context.source,
          title: n.title.slice(0, 300),
          body: (n.body ?? "").slice(0, 4000),
          link: n.link ?? null,
          dedupeKey: n.dedupeKey ?? null,
          createdAt: context.at,
        })),
      )
      .onConflictDoNothing({ target: notifications.dedupeKey })
      .returning({ id: notifications.id, dedupeKey: notifications.dedupeKey, personId: notifications.personId });
    created += inserted.length;
    const emailed = new Set(chunk.filter((n) => n.email).map((n) => n.dedupeKey));
    const toEmail = inserted.filter((row) => row.dedupeKey === null || emailed.has(row.dedupeKey));
    const wanted = new Map(chunk.filter((n) => n.email).map((n) => [n.dedupeKey ?? "", n]));
    if (!toEmail.length || !wanted.size) continue;
    const recipients = await db
      .select({ id: people.id, email: people.email })
      .from(people)
      .where(and(inArray(people.id, [...new Set(toEmail.map((r) => r.personId))]), eq(people.status, "active")));
    const emailOf = new Map(recipients.map((p) => [p.id, p.email]));
    const mails = toEmail.flatMap((row) => {
      const n = wanted.get(row.dedupeKey ?? "");
      const to = emailOf.get(row.personId);
      if (!n || !to) return [];
      return [
        {
          dedupeKey: `notify:${row.dedupeKey ?? row.id}`,
          to,
          subject: n.title,
          text: [n.body ?? "", n.link ? `${context.baseUrl}${n.link}` : ""].filter(Boolean).join("\n\n"),
        },
      ];
    });
    if (mails.length) await queueMails(db, mails, context.at);
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
