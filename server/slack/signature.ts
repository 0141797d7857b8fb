import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack refuses to sign for longer: a request older than this is a replay. */
export const MAX_REQUEST_AGE_SECONDS = 5 * 60;

/**
 * Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed with
 * the app's signing secret.
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */
export function slackSignature(signingSecret: string, timestamp: string, body: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export type Verification = { ok: true } | { ok: false; reason: string };

/**
 * Checks a request's `X-Slack-Signature` against its raw body, and refuses timestamps more than
 * five minutes from `now` (either way) so a captured request cannot be replayed later.
 */
export function verifySlackRequest(
  signingSecret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  now: Date,
): Verification {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: "The request is not signed by Slack." };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "The Slack request timestamp is malformed." };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_REQUEST_AGE_SECONDS)
    return { ok: false, reason: "The Slack request is more than five minutes old." };
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "The Slack signature does not match." };
  return { ok: true };
}
