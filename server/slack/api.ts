import type { SlackConfig } from "../config.ts";
import type { DbOrTx } from "../db/index.ts";
import { enqueueDelivery } from "../outbound/outbox.ts";
import type { DeliverySigner, JsonValue } from "../outbound/types.ts";

/** What every Slack Web API method answers: `ok`, or an `error` code. */
export type SlackResult = { ok: true; [field: string]: unknown } | { ok: false; error: string };

/** How long a direct call may take: a trigger_id is valid for 3 s, so there is no point waiting longer. */
const DIRECT_TIMEOUT_MS = 2_500;

/**
 * Calls a Slack Web API method at once and returns its answer. Only for calls whose answer is
 * needed in the same request (`views.open` within the 3 s a trigger_id lives, `users.info` to
 * link the person who clicked): everything else goes through the outbox (`queueSlackCall`).
 */
export async function callSlack(
  config: SlackConfig,
  method: string,
  args: Record<string, JsonValue>,
): Promise<SlackResult> {
  try {
    const response = await fetch(`${config.apiUrl}/${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8", Authorization: `Bearer ${config.botToken}` },
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(DIRECT_TIMEOUT_MS),
    });
    const json = (await response.json().catch(() => null)) as SlackResult | null;
    if (!json || typeof json !== "object") return { ok: false, error: `http_${response.status}` };
    return json;
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.name : "request_failed" };
  }
}

/**
 * Queues a Slack Web API call (`chat.postMessage` …) in the outbound queue, in the caller's
 * transaction: Slack being down delays it, never loses or doubles it. The bot token is added at
 * send time by `slackSigner`, so it is never stored with the request.
 */
export async function queueSlackCall(
  db: DbOrTx,
  config: SlackConfig,
  call: {
    method: string;
    args: { [key: string]: JsonValue };
    dedupeKey: string;
    eventType: string;
    targetId?: string;
    notBefore?: Date | null;
  },
  now: Date,
): Promise<boolean> {
  return enqueueDelivery(
    db,
    {
      kind: "slack",
      dedupeKey: `slack:${call.dedupeKey}`,
      targetId: call.targetId ?? null,
      eventType: call.eventType,
      url: `${config.apiUrl}/${call.method}`,
      body: call.args,
      notBefore: call.notBefore ?? null,
    },
    now,
  );
}

/** Adds the bot token to queued Slack calls at send time. */
export function slackSigner(config: SlackConfig): DeliverySigner {
  return {
    kind: "slack",
    async sign() {
      return { send: true, headers: { authorization: `Bearer ${config.botToken}` } };
    },
  };
}
