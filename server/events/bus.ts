import { and, eq, inArray, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db, DbOrTx } from "../db/index.ts";
import { instant, rowsOf } from "../db/rows.ts";
import type { Logger } from "../log.ts";
import { eventDeliveries, events } from "./schema.ts";

/**
 * Every event type and its payload. Plugins add theirs by declaration merging:
 *
 * @example
 * declare module "../../server/plugin-api.ts" {
 *   interface EventMap {
 *     "kudos.given": { kudosId: string; fromId: string; toId: string };
 *   }
 * }
 */
export interface EventMap {
  /** A written update was posted (status-updates). */
  "status.posted": {
    updateId: string;
    teamId: string;
    authorId: string;
    period: string;
    /** The update as posted (Markdown) and its ask answer ("" when none), for plugins that study writing. */
    body?: string;
    ask?: string;
  };
  /** A comment was added to something (an update, a brief …); `mentionIds` are the @mentioned people. */
  "comment.created": {
    commentId: string;
    subject: { kind: string; id: string };
    authorId: string;
    mentionIds: string[];
    /** The comment's Markdown, for plugins that read it (e.g. to spot clarification questions). */
    body?: string;
  };
  /**
   * Someone asked something of named people: an SLA clock starts per addressee.
   * `workType` and `medium` pick the charter row ("question" / "portal" for an ask in an update).
   */
  "ask.created": {
    askId: string;
    teamId: string;
    askerId: string;
    addresseeIds: string[];
    workType: string;
    medium: string;
    /** Short text for lists ("Ask: approve the Q3 budget by Friday"). */
    summary: string;
    /** Portal path where the ask can be answered, e.g. `/status-updates/updates/<id>`. */
    link: string;
    /** The plugin the ask came from. */
    source: string;
    /**
     * The deadline the asker set and people see (ISO instant), e.g. a brief's comment deadline.
     * When present it drives the clock instead of the charter's target.
     */
    dueAt?: string;
  };
  /** The first response to an ask by `responderId` (clocks stop for eligible responders). */
  "ask.answered": { askId: string; responderId: string; answeredAt: string };
}

export type EventType = keyof EventMap & string;

/** An event as a handler receives it. `id` is stable across retries: use it to stay idempotent. */
export interface DomainEvent<T extends string = string> {
  id: string;
  type: T;
  payload: T extends EventType ? EventMap[T] : Record<string, unknown>;
  source: string;
  createdAt: Date;
}

export interface EventHandler {
  /** Unique per handler, e.g. `sla.start-clock`; deliveries are keyed by it. */
  id: string;
  type: string;
  handle(event: DomainEvent, ctx: { db: Db; clock: Clock; logger: Logger }): Promise<void>;
}

export const MAX_EVENT_ATTEMPTS = 10;

/** Backoff before retry n: 2, 4, 8 … seconds, capped at one hour. */
export function eventRetryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** attempts, 3_600_000);
}

/**
 * The transactional outbox of domain events. `emit` stores the event and one delivery row
 * per registered handler in the caller's transaction, so an event exists exactly when the
 * change that caused it committed. `dispatch` runs due deliveries after commit, retrying
 * failures with backoff; a delivery that succeeded is never run again.
 */
export class EventBus {
  private readonly handlers = new Map<string, EventHandler>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private kicked = false;
  private active: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Whether a handler may run now (its plugin may be disabled). */
    private readonly isActive: (handler: EventHandler) => boolean = () => true,
  ) {}

  on(handler: EventHandler): void {
    if (this.handlers.has(handler.id)) throw new Error(`Event handler "${handler.id}" is registered twice.`);
    this.handlers.set(handler.id, handler);
  }

  /** Stores an event in `tx`; call `kick()` after the transaction commits for prompt delivery. */
  async emit<T extends EventType>(tx: DbOrTx, type: T, payload: EventMap[T], source: string): Promise<string>;
  async emit(tx: DbOrTx, type: string, payload: Record<string, unknown>, source: string): Promise<string>;
  async emit(tx: DbOrTx, type: string, payload: Record<string, unknown>, source: string): Promise<string> {
    const [event] = await tx
      .insert(events)
      .values({ type, payload, source, createdAt: this.clock.now() })
      .returning({ id: events.id });
    const id = (event as { id: string }).id;
    const handlerIds = [...this.handlers.values()].filter((h) => h.type === type).map((h) => h.id);
    if (handlerIds.length) {
      await tx
        .insert(eventDeliveries)
        .values(handlerIds.map((handlerId) => ({ eventId: id, handlerId, nextAttemptAt: this.clock.now() })));
    }
    return id;
  }

  /** Asks for a dispatch soon (coalesced). */
  kick(): void {
    if (this.stopped || this.kicked) return;
    this.kicked = true;
    queueMicrotask(() => {
      this.kicked = false;
      this.active = this.active
        .then(() => this.dispatch())
        .catch((error) => this.logger.error("event dispatch failed", { error }));
    });
  }

  /**
   * Runs every due delivery once. Deliveries are leased with `for update skip locked`, so
   * instances never run the same one at the same time. Returns how many succeeded.
   */
  async dispatch(limit = 200): Promise<{ delivered: number; failed: number }> {
    const now = this.clock.now();
    const lease = new Date(now.getTime() + 60_000);
    const active = [...this.handlers.values()].filter((h) => this.isActive(h)).map((h) => h.id);
    if (!active.length) return { delivered: 0, failed: 0 };
    const due = rowsOf<{ event_id: string; handler_id: string; attempts: number }>(
      await this.db.execute(sql`
        update ${eventDeliveries} set next_attempt_at = ${instant(lease)}, attempts = attempts + 1
        where (event_id, handler_id) in (
          select event_id, handler_id from ${eventDeliveries}
          where status = 'pending' and next_attempt_at <= ${instant(now)} and handler_id in ${sql`(${sql.join(
            active.map((id) => sql`${id}`),
            sql`, `,
          )})`}
          order by next_attempt_at limit ${limit}
          for update skip locked
        )
        returning event_id, handler_id, attempts`),
    );
    if (!due.length) return { delivered: 0, failed: 0 };
    const rows = await this.db
      .select()
      .from(events)
      .where(inArray(events.id, [...new Set(due.map((d) => d.event_id))]));
    const byId = new Map(rows.map((e) => [e.id, e]));
    let delivered = 0;
    let failed = 0;
    // Successes are marked done in one statement per handler rather than one per event. A crash
    // before that re-runs them after the lease: handlers are idempotent by contract.
    const done = new Map<string, string[]>();
    for (const d of due) {
      const handler = this.handlers.get(d.handler_id);
      const event = byId.get(d.event_id);
      if (!handler || !event) continue;
      try {
        await handler.handle(event as DomainEvent, {
          db: this.db,
          clock: this.clock,
          logger: this.logger.child({ handler: handler.id }),
        });
        done.set(d.handler_id, [...(done.get(d.handler_id) ?? []), d.event_id]);
        delivered++;
      } catch (error) {
        failed++;
        const dead = d.attempts >= MAX_EVENT_ATTEMPTS;
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn("event handler failed", {
          handler: handler.id,
          eventId: d.event_id,
          attempts: d.attempts,
          dead,
          error: message,
        });
        await this.db
          .update(eventDeliveries)
          .set({
            status: dead ? "dead" : "pending",
            lastError: message.slice(0, 2000),
            nextAttemptAt: new Date(this.clock.now().getTime() + eventRetryDelayMs(d.attempts)),
          })
          .where(and(eq(eventDeliveries.eventId, d.event_id), eq(eventDeliveries.handlerId, d.handler_id)));
      }
    }
    for (const [handlerId, eventIds] of done) {
      await this.db
        .update(eventDeliveries)
        .set({ status: "done", doneAt: this.clock.now(), lastError: null })
        .where(and(eq(eventDeliveries.handlerId, handlerId), inArray(eventDeliveries.eventId, eventIds)));
    }
    return { delivered, failed };
  }

  /** Dispatches continuously: on every kick, and every `pollMs` for retries and other instances' events. */
  start(pollMs = 1000): void {
    this.stopped = false;
    const loop = (): void => {
      if (this.stopped) return;
      this.active = this.active
        .then(() => this.dispatch())
        .catch((error) => this.logger.error("event dispatch failed", { error }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, pollMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.active;
  }
}
