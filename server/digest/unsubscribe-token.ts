import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppContext } from "../context.ts";
import { installSecret } from "../org/secrets.ts";

// The install secret never changes once created, so it is read once per app context.
const secrets = new WeakMap<AppContext, Promise<string>>();

function key(ctx: AppContext): Promise<string> {
  if (ctx.config.secretKey) return Promise.resolve(ctx.config.secretKey);
  let secret = secrets.get(ctx);
  if (!secret) {
    secret = installSecret(ctx.db, "unsubscribe");
    secrets.set(ctx, secret);
  }
  return secret;
}

function mac(secret: string, personId: string): string {
  return createHmac("sha256", secret).update(`unsubscribe:${personId}`).digest("base64url");
}

/** A per-person token for one-click unsubscribe links: works without a session, cannot be forged. */
export async function unsubscribeToken(ctx: AppContext, personId: string): Promise<string> {
  return `${personId}.${mac(await key(ctx), personId)}`;
}

/** The person a token was issued for, or null when it was tampered with. */
export async function verifyUnsubscribeToken(ctx: AppContext, token: string): Promise<string | null> {
  const [personId, signature] = token.split(".");
  if (!personId || !signature || !/^[0-9a-f-]{36}$/i.test(personId)) return null;
  const expected = Buffer.from(mac(await key(ctx), personId));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? personId : null;
}
