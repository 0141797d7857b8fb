import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { type DeliveryKind, type DeliveryStatus, deliveryStatuses, type JsonValue } from "./types.ts";

/**
 * Every outbound HTTP request (outgoing webhooks, chat posts) goes through this outbox:
 * queued once per dedupe key in the transaction of the change that causes it, delivered by a
 * job with leases, backoff and a 72-hour retry window. The row is also the delivery log.
 */
export const outboundDeliveries = pgTable(
  "outbound_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").$type<DeliveryKind>().notNull(),
    targetId: text("target_id"),
    eventType: text("event_type"),
    url: text("url").notNull(),
    method: text("method").notNull().default("POST"),
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
    body: jsonb("body").$type<JsonValue>().notNull(),
    dedupeKey: text("dedupe_key").notNull().unique(),
    status: text("status", { enum: deliveryStatuses }).$type<DeliveryStatus>().notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** Failing after this instant moves the delivery to `held`; `created_at` + 72 h, renewed by a replay. */
    retryUntil: timestamp("retry_until", { withTimezone: true }).notNull(),
    lastError: text("last_error"),
    /** The last attempt's HTTP status and the start of its response body, for the log. */
    responseStatus: integer("response_status"),
    responseExcerpt: text("response_excerpt"),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    index("outbound_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("outbound_deliveries_target_idx").on(t.targetId, t.createdAt),
  ],
);
