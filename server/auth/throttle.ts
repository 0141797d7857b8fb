import { inArray, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { instant } from "../db/rows.ts";
import { loginThrottle } from "./schema.ts";

/**
 * A fixed-window counter per address and per client, for how many reset mails may be asked for.
 * Password attempts are throttled with growing delays instead, in `sign-in-throttle.ts`.
 */
export interface ThrottlePolicy {
  perAccount: number;
  perIp: number;
  windowMs: number;
  lockMs: number;
}

/** Seconds until the first locked key unlocks, or 0 when login may be tried. */
export async function lockedFor(db: Db, keys: string[], now: Date): Promise<number> {
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  let wait = 0;
  for (const row of rows) {
    if (row.lockedUntil && row.lockedUntil > now)
      wait = Math.max(wait, Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000));
  }
  return wait;
}

/** Counts one failed login against each key, locking a key that reaches its limit. Atomic per key. */
export async function recordFailure(
  db: Db,
  keys: { account: string; ip: string },
  now: Date,
  policy: ThrottlePolicy,
): Promise<void> {
  const windowStart = new Date(now.getTime() - policy.windowMs);
  const lockUntil = new Date(now.getTime() + policy.lockMs);
  for (const [key, limit] of [
    [keys.account, policy.perAccount],
    [keys.ip, policy.perIp],
  ] as const) {
    await db
      .insert(loginThrottle)
      .values({ key, failures: 1, windowStart: now, lockedUntil: limit <= 1 ? lockUntil : null })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`case when ${loginThrottle.windowStart} < ${instant(windowStart)} then 1 else ${loginThrottle.failures} + 1 end`,
          windowStart: sql`case when ${loginThrottle.windowStart} < ${instant(windowStart)} then ${instant(now)} else ${loginThrottle.windowStart} end`,
          lockedUntil: sql`case when (case when ${loginThrottle.windowStart} < ${instant(windowStart)} then 1 else ${loginThrottle.failures} + 1 end) >= ${limit} then ${instant(lockUntil)} else ${loginThrottle.lockedUntil} end`,
        },
      });
  }
}
