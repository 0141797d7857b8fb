import { and, desc, eq, lte, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../db/index.ts";
import { instant, rowsOf } from "../db/rows.ts";
import type { Logger } from "../log.ts";
import type { Mailer } from "./mailer.ts";
import { type MailAttachment, mailOutbox, type outboxStatuses } from "./schema.ts";

export type OutboxMessage = typeof mailOutbox.$inferSelect;

export interface QueuedMail {
  /** Queuing the same key twice sends one message (e.g. `digest:<person>:<week>`). */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  headers?: Record<string, string>;
  /** Drop instead of sending after this instant (a digest whose period has ended). */
  expiresAt?: Date | null;
  /** Files sent with the message, e.g. `{ filename: "invite.ics", contentType: "text/calendar; method=REQUEST", content }`. */
  attachments?: MailAttachment[];
  /** Hold the message until this instant (the recipient's quiet hours), instead of sending at once. */
  notBefore?: Date | null;
}

/** Queues a message in the outbox (inside the caller's transaction, if any). Returns false for a duplicate key. */
export async function queueMail(db: DbOrTx, { notBefore, ...mail }: QueuedMail, now?: Date): Promise<boolean> {
  const inserted = await db
    .insert(mailOutbox)
    .values({
      ...mail,
      html: mail.html ?? null,
      headers: mail.headers ?? {},
      expiresAt: mail.expiresAt ?? null,
      attachments: mail.attachments ?? [],
      ...(now ? { createdAt: now, nextAttemptAt: notBefore ?? now } : notBefore ? { nextAttemptAt: notBefore } : {}),
    })
    .onConflictDoNothing({ target: mailOutbox.dedupeKey })
    .returning({ id: mailOutbox.id });
  return inserted.length > 0;
}

/** Queues many messages in one statement; duplicates (by dedupe key) are skipped. Returns how many were new. */
export async function queueMails(db: DbOrTx, mails: QueuedMail[], now: Date): Promise<number> {
  if (!mails.length) return 0;
  const inserted = await db
    .insert(mailOutbox)
    .values(
      mails.map(({ notBefore, ...m }) => ({
        ...m,
        html: m.html ?? null,
        headers: m.headers ?? {},
        expiresAt: m.expiresAt ?? null,
        attachments: m.attachments ?? [],
        createdAt: now,
        nextAttemptAt: notBefore ?? now,
      })),
    )
    .onConflictDoNothing({ target: mailOutbox.dedupeKey })
    .returning({ id: mailOutbox.id });
  return inserted.length;
}

/** How long delivery keeps retrying before a message is held for an admin: a long weekend. */
export const RETRY_WINDOW_MS = 72 * 3_600_000;

/** Backoff before attempt n+1: 1, 2, 4 … minutes, capped at 1 hour so mail flows soon after SMTP returns. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, Math.min(attempts, 20) - 1), 3_600_000);
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  /** Moved to `held` this run: still failing after the retry window. */
  held: number;
  /** Digests dropped unsent because their period had ended. */
  dropped: number;
}

/**
 * Delivers due messages. Each message is claimed by moving it to `sending` with a lease (its
 * next attempt pushed out), so concurrent instances never send the same message twice; a
 * crash mid-send leaves a lease that expires and the message is tried again.
 */
export async function deliverDue(
  db: Db,
  mailer: Mailer,
  now: Date,
  logger?: Logger,
  limit = 50,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, held: 0, dropped: 0 };
  report.dropped = await dropExpired(db, now);
  const lease = new Date(now.getTime() + 5 * 60_000);
  const claimed = rowsOf<{ id: string }>(
    await db.execute(sql`
      update ${mailOutbox} set status = 'sending', next_attempt_at = ${instant(lease)}, attempts = attempts + 1
      where id in (
        select id from ${mailOutbox}
        where status in ('queued', 'sending') and next_attempt_at <= ${instant(now)}
        order by next_attempt_at limit ${limit}
        for update skip locked
      )
      returning id`),
  );
  for (const { id } of claimed) {
    const [message] = await db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
    if (!message) continue;
    try {
      await mailer.send({
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
        attachments: message.attachments,
        messageId: `<${message.id}@desktrust>`,
      });
      await db.update(mailOutbox).set({ status: "sent", sentAt: now, lastError: null }).where(eq(mailOutbox.id, id));
      report.sent++;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const retryUntil = message.retryUntil ?? new Date(message.createdAt.getTime() + RETRY_WINDOW_MS);
      const held = now >= retryUntil;
      await db
        .update(mailOutbox)
        .set({
          status: held ? "held" : "queued",
          lastError: reason.slice(0, 500),
          nextAttemptAt: new Date(now.getTime() + retryDelayMs(message.attempts)),
        })
        .where(eq(mailOutbox.id, id));
      if (held) report.held++;
      else report.retried++;
      logger?.warn("mail delivery failed", { messageId: id, attempts: message.attempts, held, error: reason });
    }
  }
  return report;
}

/**
 * Drops digests whose period ended before they could be sent: a week-old digest sent late
 * misleads more than it helps. The note says why it was never sent.
 */
async function dropExpired(db: Db, now: Date): Promise<number> {
  const dropped = await db
    .update(mailOutbox)
    .set({
      status: "dropped",
      lastError: sql`'Dropped unsent: its period ended at ' || to_char(${mailOutbox.expiresAt} at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') || coalesce(' (last error: ' || ${mailOutbox.lastError} || ')', '')`,
    })
    .where(and(sql`${mailOutbox.status} in ('queued', 'held', 'failed')`, lte(mailOutbox.expiresAt, now)))
    .returning({ id: mailOutbox.id });
  return dropped.length;
}

const retryable = sql`${mailOutbox.status} in ('held', 'failed')`;

/** Puts a held (or failed) message back in the queue for an immediate attempt and a new retry window. */
export async function retryMessage(db: DbOrTx, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(mailOutbox)
    .set({ status: "queued", attempts: 0, nextAttemptAt: now, retryUntil: new Date(now.getTime() + RETRY_WINDOW_MS) })
    .where(and(eq(mailOutbox.id, id), retryable))
    .returning({ id: mailOutbox.id });
  return rows.length > 0;
}

/** The admin's one action after an outage: every held message back in the queue. Returns how many. */
export async function retryAllHeld(db: DbOrTx, now: Date): Promise<number> {
  const rows = await db
    .update(mailOutbox)
    .set({ status: "queued", attempts: 0, nextAttemptAt: now, retryUntil: new Date(now.getTime() + RETRY_WINDOW_MS) })
    .where(retryable)
    .returning({ id: mailOutbox.id });
  return rows.length;
}

export type OutboxStatus = (typeof outboxStatuses)[number];

/** The newest messages first, optionally only those in one status. */
export async function listOutbox(db: Db, limit = 100, status?: OutboxStatus): Promise<OutboxMessage[]> {
  return db
    .select()
    .from(mailOutbox)
    .where(status ? eq(mailOutbox.status, status) : undefined)
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(limit);
}

export async function findOutboxMessage(db: Db, id: string): Promise<OutboxMessage | null> {
  const [message] = await db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  return message ?? null;
}

/** How many messages are in each status, for the outbox filter. */
export async function outboxCounts(db: Db): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .select({ status: mailOutbox.status, n: sql<number>`count(*)::int` })
    .from(mailOutbox)
    .groupBy(mailOutbox.status);
  const counts: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, held: 0, dropped: 0, failed: 0 };
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

export async function outboxDepth(db: Db, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(mailOutbox)
    .where(and(sql`${mailOutbox.status} in ('queued', 'sending')`, lte(mailOutbox.createdAt, now)));
  return row?.n ?? 0;
}
