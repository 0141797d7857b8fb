import { and, asc, eq, sql } from "drizzle-orm";
import type { AppContext } from "../context.ts";
import type { Db, DbOrTx } from "../db/index.ts";
import type { EventHandler } from "../events/bus.ts";
import { seal, unseal } from "../org/sealed.ts";
import { isUuid } from "../people/people.ts";
import { enqueueDelivery } from "./outbox.ts";
import { webhookEndpoints } from "./schema.ts";
import type { DeliverySigner, JsonValue } from "./types.ts";
import { newWebhookSecret, signatureHeaders } from "./webhook-signature.ts";

export type WebhookEndpoint = Omit<typeof webhookEndpoints.$inferSelect, "secretSealed">;

/**
 * The events an endpoint may subscribe to. Core knows them by name only: plugins emit them
 * (status-updates, sla, briefs) and core subscribes through the event bus.
 */
export const webhookEvents = [
  { type: "status.posted", label: "Update posted" },
  { type: "ask.created", label: "Ask created" },
  { type: "ask.answered", label: "Ask answered" },
  { type: "sla.warning", label: "SLA warning (most of the response time used)" },
  { type: "sla.breached", label: "SLA breach (response time passed)" },
  { type: "brief.synthesized", label: "Brief synthesized" },
  { type: "decision.recorded", label: "Decision recorded" },
] as const;

export type WebhookEventType = (typeof webhookEvents)[number]["type"];

export const webhookEventTypes: readonly string[] = webhookEvents.map((e) => e.type);

const columns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  enabled: webhookEndpoints.enabled,
  createdBy: webhookEndpoints.createdBy,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

export interface EndpointInput {
  url: string;
  description: string;
  events: string[];
}

/** A new signing secret and its sealed form. Call it before a transaction: sealing may read the install secret. */
export async function newSealedSecret(ctx: AppContext): Promise<{ secret: string; sealed: string }> {
  const secret = newWebhookSecret();
  return { secret, sealed: await seal(ctx, secret) };
}

/** Adds an endpoint with its sealed signing secret (`newSealedSecret`). */
export async function createEndpoint(
  db: DbOrTx,
  input: EndpointInput & { secretSealed: string; createdBy: string | null; at: Date },
): Promise<WebhookEndpoint> {
  const [endpoint] = await db
    .insert(webhookEndpoints)
    .values({
      url: input.url,
      description: input.description,
      events: input.events,
      secretSealed: input.secretSealed,
      createdBy: input.createdBy,
      createdAt: input.at,
      updatedAt: input.at,
    })
    .returning(columns);
  return endpoint as WebhookEndpoint;
}

export async function updateEndpoint(
  db: DbOrTx,
  id: string,
  changes: Partial<EndpointInput> & { enabled?: boolean; at: Date },
): Promise<boolean> {
  const { at, ...values } = changes;
  const rows = await db
    .update(webhookEndpoints)
    .set({ ...values, updatedAt: at })
    .where(eq(webhookEndpoints.id, id))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/** Replaces an endpoint's secret (after a leak); deliveries from now on are signed with the new one. */
export async function replaceSecret(db: DbOrTx, id: string, secretSealed: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(webhookEndpoints)
    .set({ secretSealed, updatedAt: at })
    .where(eq(webhookEndpoints.id, id))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

export async function deleteEndpoint(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db
    .delete(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

export async function listEndpoints(db: Db): Promise<WebhookEndpoint[]> {
  return db.select(columns).from(webhookEndpoints).orderBy(asc(webhookEndpoints.createdAt));
}

export async function findEndpoint(db: Db, id: string): Promise<WebhookEndpoint | null> {
  if (!isUuid(id)) return null;
  const [endpoint] = await db.select(columns).from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return endpoint ?? null;
}

/**
 * One event-bus handler per event type: queues a delivery for every enabled endpoint that
 * subscribes to it. The dedupe key (endpoint, event) makes a retried handler queue nothing new.
 * The body follows the Standard Webhooks payload shape: `{ type, timestamp, data }`.
 */
export function webhookHandlers(kick: () => void): EventHandler[] {
  return webhookEventTypes.map((type) => ({
    id: `core.webhooks.${type}`,
    type,
    async handle(event, { db, clock }) {
      const endpoints = await db
        .select({ id: webhookEndpoints.id, url: webhookEndpoints.url })
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.enabled, true), sql`${type} = any(${webhookEndpoints.events})`));
      const now = clock.now();
      let queued = 0;
      for (const endpoint of endpoints) {
        const isNew = await enqueueDelivery(
          db,
          {
            kind: "webhook",
            dedupeKey: `webhook:${endpoint.id}:${event.id}`,
            targetId: endpoint.id,
            eventType: type,
            url: endpoint.url,
            body: {
              type,
              timestamp: event.createdAt.toISOString(),
              data: { eventId: event.id, ...(event.payload as { [key: string]: JsonValue }) },
            },
          },
          now,
        );
        if (isNew) queued++;
      }
      // Deliver now rather than at the delivery job's next minute.
      if (queued) kick();
    },
  }));
}

/** Signs each webhook delivery at send time with its endpoint's current secret. */
export function webhookSigner(ctx: AppContext): DeliverySigner {
  return {
    kind: "webhook",
    async sign(request) {
      const [endpoint] =
        request.targetId && isUuid(request.targetId)
          ? await ctx.db
              .select({
                url: webhookEndpoints.url,
                enabled: webhookEndpoints.enabled,
                secretSealed: webhookEndpoints.secretSealed,
              })
              .from(webhookEndpoints)
              .where(eq(webhookEndpoints.id, request.targetId))
          : [];
      if (!endpoint) return { send: false, reason: "The endpoint was deleted." };
      if (!endpoint.enabled) return { send: false, reason: "The endpoint is disabled; enable it and replay." };
      const secret = await unseal(ctx, endpoint.secretSealed);
      if (!secret) return { send: false, reason: "The endpoint's secret cannot be read: was SECRET_KEY changed?" };
      // The endpoint's current URL: an admin's correction reaches deliveries already queued.
      return {
        send: true,
        url: endpoint.url,
        headers: { ...signatureHeaders(secret, request.id, request.at, request.body) },
      };
    },
  };
}
