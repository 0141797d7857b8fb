import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import { notifyAdmins } from "../notifications/notifications.ts";
import { deliverDueRequests, type OutboundReport } from "./outbox.ts";
import type { DeliveryKind, DeliverySigner } from "./types.ts";

/** The signer of each kind, registered at boot (`registerSigner`). */
export type SignerRegistry = Map<DeliveryKind, DeliverySigner>;

/** Adds the signer for a kind; a second signer for the same kind is a bug. */
export function registerSigner(registry: SignerRegistry, signer: DeliverySigner): void {
  if (registry.has(signer.kind)) throw new Error(`A signer for "${signer.kind}" deliveries is registered twice.`);
  registry.set(signer.kind, signer);
}

/**
 * Delivers soon after something is queued, between the delivery job's minutes: `kick()` asks
 * for one run (coalesced). Only once started (the server starts it with the other background
 * work; tests deliver explicitly), and `stop()` waits for a run in progress.
 */
export class OutboundKicker {
  private running: Promise<unknown> = Promise.resolve();
  private pending = false;
  private started = false;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.started = true;
  }

  kick(): void {
    if (!this.started || this.pending) return;
    this.pending = true;
    this.running = this.running
      .then(() => {
        this.pending = false;
        return this.started ? this.run() : undefined;
      })
      .catch((error: unknown) => this.logger.warn("outbound delivery run failed", { error }));
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.running;
  }
}

/**
 * One run of the outbound delivery job: sends everything due (in rounds of 50), then tells
 * every admin in the portal when deliveries were held.
 */
export async function runOutboundDelivery(
  services: { db: Db; signers: SignerRegistry; logger?: Logger; baseUrl: string; timeoutMs?: number },
  now: Date,
): Promise<OutboundReport> {
  const total: OutboundReport = { delivered: 0, retried: 0, held: 0, dropped: 0 };
  for (let round = 0; round < 20; round++) {
    const report = await deliverDueRequests(services.db, now, {
      signers: services.signers,
      logger: services.logger,
      timeoutMs: services.timeoutMs,
    });
    total.delivered += report.delivered;
    total.retried += report.retried;
    total.held += report.held;
    total.dropped += report.dropped;
    if (report.delivered + report.retried + report.held + report.dropped === 0) break;
  }
  if (total.held > 0)
    await notifyAdmins(
      services.db,
      {
        topic: "outbound-held",
        title: "Outgoing webhooks or chat posts are held after 72 hours of failures",
        body: `${total.held} request${total.held === 1 ? " was" : "s were"} still undelivered after 72 hours of retries. Fix the receiving service, then replay them from the Deliveries page.`,
        link: "/admin/deliveries?status=held",
      },
      { at: now, baseUrl: services.baseUrl },
    );
  return total;
}
