import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A file sent with a message (an .ics invitation, a CSV export): text content, stored with the message. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/**
 * `held`: still undelivered after the retry window (72 h); an admin retries it. `dropped`: a
 * digest whose period ended before it could be sent. `failed` is kept for messages from
 * releases that gave up after a number of attempts.
 */
export const outboxStatuses = ["queued", "sending", "sent", "held", "dropped", "failed"] as const;

/** Every email goes through the outbox: queued once (dedupe key), delivered by a job. */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    dedupeKey: text("dedupe_key").notNull().unique(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
    attachments: jsonb("attachments").$type<MailAttachment[]>().notNull().default([]),
    status: text("status", { enum: outboxStatuses }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    /** After this instant the message is not worth sending (a digest whose period is over). */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** Failing after this instant moves the message to `held`; default `created_at` + 72 h. */
    retryUntil: timestamp("retry_until", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [index("mail_outbox_due_idx").on(t.status, t.nextAttemptAt)],
);
