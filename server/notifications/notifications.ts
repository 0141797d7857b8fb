import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Db, DbOrTx } from "../db/index.ts";
import { queueMail } from "../mail/outbox.ts";
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
