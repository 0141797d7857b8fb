/**
 * The outbound HTTP delivery queue's public shapes. A leaf module: anything that queues or
 * signs deliveries (outgoing webhooks, chat services) imports its types from here only.
 */

/** What a delivery is for; each kind may have one signer that finishes its request at send time. */
export type DeliveryKind = "webhook" | "slack" | "teams" | "mattermost" | "google-chat";

export const deliveryKinds: readonly DeliveryKind[] = ["webhook", "slack", "teams", "mattermost", "google-chat"];

/**
 * `queued` waits for its next attempt; `sending` is leased by one instance; `delivered` got a 2xx;
 * `held` still failed after the retry window (an admin replays it); `dropped` can never be sent
 * (its target was removed), with the reason in `lastError`.
 */
export const deliveryStatuses = ["queued", "sending", "delivered", "held", "dropped"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One HTTP request to queue. */
export interface NewDelivery {
  kind: DeliveryKind;
  /** Queuing the same key twice delivers once, e.g. `webhook:<endpoint>:<event>`. */
  dedupeKey: string;
  /** What the request goes to (a webhook endpoint, a team's channel connection …), for the log and the signer. */
  targetId?: string | null;
  /** The event or purpose, for the delivery log (`status.posted`, `team.bottom-lines` …). */
  eventType?: string | null;
  /**
   * Where to send it. A secret URL (a chat webhook) is not stored here: store something
   * display-safe and let the kind's signer return the real one at send time.
   */
  url: string;
  method?: "POST" | "PUT";
  /** Extra request headers (never secrets: they are stored as they are). */
  headers?: Record<string, string>;
  /** The JSON body, serialized once at send time; signers sign exactly those bytes. */
  body: JsonValue;
  /** Hold the request until this instant (a recipient's quiet hours) instead of sending at once. */
  notBefore?: Date | null;
}

/** The request about to go out, as a signer sees it. */
export interface OutgoingRequest {
  /** The delivery's id: stable across retries and replays (Standard Webhooks' `webhook-id`). */
  id: string;
  kind: DeliveryKind;
  targetId: string | null;
  eventType: string | null;
  url: string;
  method: string;
  headers: Record<string, string>;
  /** The exact body bytes that will be sent. */
  body: string;
  /** Send time (from the injected clock). */
  at: Date;
}

/** What a signer decides: send (with extra headers and perhaps the real URL), or drop for good. */
export type SignedRequest =
  | { send: true; headers?: Record<string, string>; url?: string }
  | { send: false; reason: string };

/**
 * Finishes a request of one kind at send time: adds signature or auth headers, resolves a
 * secret URL. Runs on every attempt, so timestamps and secrets are always current.
 *
 * @example
 * const signer: DeliverySigner = {
 *   kind: "webhook",
 *   async sign(request) {
 *     const endpoint = await endpointFor(request.targetId);
 *     if (!endpoint) return { send: false, reason: "The endpoint was deleted." };
 *     return { send: true, headers: signatureHeaders(endpoint.secret, request) };
 *   },
 * };
 */
export interface DeliverySigner {
  kind: DeliveryKind;
  sign(request: OutgoingRequest): Promise<SignedRequest>;
  /**
   * Decides from the answer whether the request was delivered, for services that report
   * failure in a 200 (Slack's Web API answers `{"ok": false, "error": …}`). Without it, any 2xx
   * is delivered and anything else is retried.
   */
  judge?(response: { status: number; body: string }): DeliveryVerdict;
}

/** `retry: false` holds the delivery for an admin at once (a revoked token will not heal by waiting). */
export type DeliveryVerdict = { delivered: true } | { delivered: false; reason: string; retry: boolean };
