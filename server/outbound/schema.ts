import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { people, teams } from "../people/schema.ts";
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

/**
 * An outgoing webhook endpoint (Standard Webhooks): the events it subscribes to and its signing
 * secret (`whsec_…`), sealed because every delivery is signed with it; shown once at creation.
 */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: uuid("id").primaryKey().defaultRandom(),
  url: text("url").notNull(),
  description: text("description").notNull().default(""),
  events: text("events").array().notNull(),
  secretSealed: text("secret_sealed").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  createdBy: uuid("created_by").references(() => people.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});

export const chatServices = ["teams", "mattermost", "google-chat"] as const;
export type ChatService = (typeof chatServices)[number];

/**
 * A team's channel in a chat service, reached by an incoming-webhook URL. The URL is the
 * credential, so it is sealed and only a hint of it (`urlHint`) is ever shown. A Mattermost
 * connection may also accept the `/desktrust` slash command, verified by its token's hash.
 */
export const chatConnections = pgTable(
  "chat_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    service: text("service", { enum: chatServices }).$type<ChatService>().notNull(),
    label: text("label").notNull().default(""),
    urlSealed: text("url_sealed").notNull(),
    urlHint: text("url_hint").notNull(),
    postBottomLines: boolean("post_bottom_lines").notNull().default(true),
    postReminders: boolean("post_reminders").notNull().default(true),
    enabled: boolean("enabled").notNull().default(true),
    slashTokenHash: text("slash_token_hash").unique(),
    createdBy: uuid("created_by").references(() => people.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("chat_connections_team_idx").on(t.teamId)],
);
