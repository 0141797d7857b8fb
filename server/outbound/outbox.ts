import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../db/index.ts";
import { instant, rowsOf } from "../db/rows.ts";
import type { Logger } from "../log.ts";
import { outboundDeliveries } from "./schema.ts";
import type {
  DeliveryKind,
  DeliverySigner,
  DeliveryStatus,
  DeliveryVerdict,
  NewDelivery,
  OutgoingRequest,
  SignedRequest,
} from "./types.ts";

export type Delivery = typeof outboundDeliveries.$inferSelect;

/** How long delivery keeps retrying before a request is held for an admin: a long weekend. */
export const OUTBOUND_RETRY_WINDOW_MS = 72 * 3_600_000;

/** How long one request may take, connection to last byte of the response excerpt. */
export const OUTBOUND_TIMEOUT_MS = 10_000;

/** How much of a response body the log keeps. */
const EXCERPT_CHARS = 500;

/** Backoff before attempt n+1: 30 s, 1, 2, 4 … minutes, capped at 1 hour so traffic resumes soon after a service returns. */
export function outboundRetryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, Math.min(attempts, 20) - 1), 3_600_000);
}

/**
 * Queues an HTTP request in the outbox, inside the caller's transaction when given one, so the
 * request exists exactly when the change that caused it committed. Returns false when the
 * dedupe key was already queued (the earlier delivery stands).
 *
 * @example
 * await db.transaction(async (tx) => {
 *   await tx.insert(things).values(thing);
 *   await enqueueDelivery(tx, { kind: "webhook", dedupeKey: `webhook:${endpoint.id}:${eventId}`, targetId: endpoint.id,
 *     eventType: "status.posted", url: endpoint.url, body: { type: "status.posted", data } }, clock.now());
 * });
 */
export async function enqueueDelivery(db: DbOrTx, delivery: NewDelivery, now: Date): Promise<boolean> {
  const inserted = await db
    .insert(outboundDeliveries)
    .values({
      kind: delivery.kind,
      dedupeKey: delivery.dedupeKey,
      targetId: delivery.targetId ?? null,
      eventType: delivery.eventType ?? null,
      url: delivery.url,
      method: delivery.method ?? "POST",
      headers: delivery.headers ?? {},
      body: delivery.body,
      createdAt: now,
      nextAttemptAt: delivery.notBefore ?? now,
      retryUntil: new Date((delivery.notBefore ?? now).getTime() + OUTBOUND_RETRY_WINDOW_MS),
    })
    .onConflictDoNothing({ target: outboundDeliveries.dedupeKey })
    .returning({ id: outboundDeliveries.id });
  return inserted.length > 0;
}

export interface OutboundReport {
  delivered: number;
  retried: number;
  /** Moved to `held` this run: still failing after the retry window. */
  held: number;
  /** Dropped by their signer: the target is gone. */
  dropped: number;
}

export interface DeliverOptions {
  signers: ReadonlyMap<DeliveryKind, DeliverySigner>;
  logger?: Logger;
  limit?: number;
  timeoutMs?: number;
  /** Requests in flight at once, so one slow receiver does not stall the rest. */
  concurrency?: number;
}

type Outcome = keyof OutboundReport;

/**
 * Delivers due requests. Each is claimed by moving it to `sending` with a lease (its next
 * attempt pushed past the timeout), so concurrent instances never send the same one at the
 * same time; a crash mid-send leaves a lease that expires and the request is tried again.
 */
export async function deliverDueRequests(db: Db, now: Date, options: DeliverOptions): Promise<OutboundReport> {
  const timeoutMs = options.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
  const lease = new Date(now.getTime() + Math.max(5 * 60_000, timeoutMs * 2));
  const claimed = rowsOf<{ id: string }>(
    await db.execute(sql`
      update ${outboundDeliveries} set status = 'sending', next_attempt_at = ${instant(lease)}, attempts = attempts + 1
      where id in (
        select id from ${outboundDeliveries}
        where status in ('queued', 'sending') and next_attempt_at <= ${instant(now)}
        order by next_attempt_at limit ${options.limit ?? 50}
        for update skip locked
      )
      returning id`),
  );
  const report: OutboundReport = { delivered: 0, retried: 0, held: 0, dropped: 0 };
  if (!claimed.length) return report;
  const rows = await db
    .select()
    .from(outboundDeliveries)
    .where(
      inArray(
        outboundDeliveries.id,
        claimed.map((c) => c.id),
      ),
    );
  const queue = [...rows];
  const worker = async (): Promise<void> => {
    for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
      report[await attempt(db, delivery, now, timeoutMs, options)]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, worker));
  return report;
}

/** One attempt at one claimed delivery; records its outcome and returns it. */
async function attempt(
  db: Db,
  delivery: Delivery,
  now: Date,
  timeoutMs: number,
  options: DeliverOptions,
): Promise<Outcome> {
  const request: OutgoingRequest = {
    id: delivery.id,
    kind: delivery.kind,
    targetId: delivery.targetId,
    eventType: delivery.eventType,
    url: delivery.url,
    method: delivery.method,
    headers: { "content-type": "application/json", "user-agent": "DeskTrust-Outbound/1", ...delivery.headers },
    body: JSON.stringify(delivery.body),
    at: now,
  };
  const log = { deliveryId: delivery.id, kind: delivery.kind, attempts: delivery.attempts };
  let responseStatus: number | null = null;
  let excerpt: string | null = null;
  let retryAfterMs = 0;
  let giveUp = false;
  let failure: string;
  const signer = options.signers.get(delivery.kind);
  try {
    const signed: SignedRequest = signer ? await signer.sign(request) : { send: true };
    if (!signed.send) {
      await finish(db, delivery.id, { status: "dropped", lastError: signed.reason.slice(0, 500), lastAttemptAt: now });
      options.logger?.warn("outbound delivery dropped", { ...log, reason: signed.reason });
      return "dropped";
    }
    const response = await fetch(signed.url ?? request.url, {
      method: request.method,
      headers: { ...request.headers, ...signed.headers },
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    responseStatus = response.status;
    const text = await bodyStart(response);
    excerpt = text ? text.slice(0, EXCERPT_CHARS) : null;
    const verdict: DeliveryVerdict = signer?.judge
      ? signer.judge({ status: response.status, body: text })
      : response.ok
        ? { delivered: true }
        : {
            delivered: false,
            reason: `HTTP ${response.status}${excerpt ? `: ${excerpt.slice(0, 200)}` : ""}`,
            retry: true,
          };
    if (verdict.delivered) {
      await finish(db, delivery.id, {
        status: "delivered",
        deliveredAt: now,
        lastAttemptAt: now,
        lastError: null,
        responseStatus,
        responseExcerpt: excerpt,
      });
      options.logger?.info("outbound delivered", { ...log, status: responseStatus });
      return "delivered";
    }
    retryAfterMs = retryAfter(response.headers.get("retry-after"), now);
    failure = verdict.reason;
    giveUp = !verdict.retry;
  } catch (error) {
    failure = describeFetchError(error, timeoutMs);
  }
  const held = giveUp || now >= delivery.retryUntil;
  await finish(db, delivery.id, {
    status: held ? "held" : "queued",
    lastError: failure.slice(0, 500),
    lastAttemptAt: now,
    responseStatus,
    responseExcerpt: excerpt,
    nextAttemptAt: new Date(now.getTime() + Math.max(outboundRetryDelayMs(delivery.attempts), retryAfterMs)),
  });
  options.logger?.warn("outbound delivery failed", { ...log, status: responseStatus, held, error: failure });
  return held ? "held" : "retried";
}

/** Records an attempt's outcome, only while this instance still holds the lease. */
async function finish(db: Db, id: string, values: Partial<Delivery>): Promise<void> {
  await db
    .update(outboundDeliveries)
    .set(values)
    .where(and(eq(outboundDeliveries.id, id), eq(outboundDeliveries.status, "sending")));
}

/** Reads at most a few kilobytes of a response body, so a huge or endless answer cannot stall delivery. */
async function bodyStart(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < 4096) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return new TextDecoder().decode(Buffer.concat(chunks)).trim();
}

/** `Retry-After` (seconds or an HTTP date, RFC 9110 §10.2.3) in ms from now; 0 when absent. Capped at one hour. */
function retryAfter(header: string | null, now: Date): number {
  if (!header) return 0;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now.getTime();
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), 3_600_000) : 0;
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `No response within ${timeoutMs / 1000} s.`;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | null)?.code;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

const replayable = sql`${outboundDeliveries.status} in ('held', 'queued', 'dropped', 'delivered')`;

/**
 * Sends a delivery again at once, with a new retry window: a held one after an outage, or a
 * delivered one a receiver lost. It keeps its id, so receivers that dedupe by it can.
 */
export async function replayDelivery(db: DbOrTx, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(outboundDeliveries)
    .set(requeued(now))
    .where(and(eq(outboundDeliveries.id, id), replayable))
    .returning({ id: outboundDeliveries.id });
  return rows.length > 0;
}

/** Every held delivery (and any still retrying) back in the queue for an immediate attempt. Returns how many. */
export async function replayFailed(db: DbOrTx, now: Date, kind?: DeliveryKind): Promise<number> {
  const rows = await db
    .update(outboundDeliveries)
    .set(requeued(now))
    .where(
      and(
        sql`(${outboundDeliveries.status} = 'held' or (${outboundDeliveries.status} = 'queued' and ${outboundDeliveries.attempts} > 0))`,
        kind ? eq(outboundDeliveries.kind, kind) : undefined,
      ),
    )
    .returning({ id: outboundDeliveries.id });
  return rows.length;
}

function requeued(now: Date): Partial<Delivery> {
  return {
    status: "queued",
    attempts: 0,
    nextAttemptAt: now,
    retryUntil: new Date(now.getTime() + OUTBOUND_RETRY_WINDOW_MS),
  };
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  kind?: DeliveryKind;
  targetId?: string;
}

/** The newest deliveries first. */
export async function listDeliveries(db: Db, filter: DeliveryFilter = {}, limit = 100): Promise<Delivery[]> {
  return db
    .select()
    .from(outboundDeliveries)
    .where(
      and(
        filter.status ? eq(outboundDeliveries.status, filter.status) : undefined,
        filter.kind ? eq(outboundDeliveries.kind, filter.kind) : undefined,
        filter.targetId ? eq(outboundDeliveries.targetId, filter.targetId) : undefined,
      ),
    )
    .orderBy(desc(outboundDeliveries.createdAt), desc(outboundDeliveries.id))
    .limit(limit);
}

export async function findDelivery(db: Db, id: string): Promise<Delivery | null> {
  const [delivery] = await db.select().from(outboundDeliveries).where(eq(outboundDeliveries.id, id));
  return delivery ?? null;
}

/** Forgets delivered and dropped requests created before `before` (held ones stay for an admin). */
export async function pruneDeliveries(db: Db, before: Date): Promise<number> {
  const rows = await db
    .delete(outboundDeliveries)
    .where(
      and(
        sql`${outboundDeliveries.status} in ('delivered', 'dropped')`,
        sql`${outboundDeliveries.createdAt} < ${instant(before)}`,
      ),
    )
    .returning({ id: outboundDeliveries.id });
  return rows.length;
}

/** Requests queued or in flight, for `/metrics`. */
export async function outboundDepth(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(outboundDeliveries)
    .where(sql`${outboundDeliveries.status} in ('queued', 'sending')`);
  return row?.n ?? 0;
}
