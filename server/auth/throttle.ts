import { inArray, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { loginThrottle } from "./schema.ts";

/** Failures allowed per window before a key is locked, and for how long. */
export interface ThrottlePolicy {
  perAccount: number;
  perIp: number;
  windowMs: number;
  lockMs: number;
}

export const defaultThrottle: ThrottlePolicy = { perAccount: 5, perIp: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export function throttleKeys(email: string, ip: string): { account: string; ip: string } {
  return { account: `email:${email.trim().toLowerCase()}`, ip: `ip:${ip || "unknown"}` };
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
  policy: ThrottlePolicy = defaultThrottle,
): Promise<void> {
  const windowStart = new Date(now.getTime() - policy.windowMs);
  const lockUntil = new Date(now.getTime() + policy.lockMs);
  // Inside raw sql`` postgres.js does not serialize a Date (PGlite does), so pass timestamps
  // as ISO text with an explicit cast; the same query then runs on both drivers.
  const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
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
          failures: sql`case when ${loginThrottle.windowStart} < ${at(windowStart)} then 1 else ${loginThrottle.failures} + 1 end`,
          windowStart: sql`case when ${loginThrottle.windowStart} < ${at(windowStart)} then ${at(now)} else ${loginThrottle.windowStart} end`,
          lockedUntil: sql`case when (case when ${loginThrottle.windowStart} < ${at(windowStart)} then 1 else ${loginThrottle.failures} + 1 end) >= ${limit} then ${at(lockUntil)} else ${loginThrottle.lockedUntil} end`,
        },
      });
  }
}

/** A successful login clears the account's counter (not the IP's: one good password must not unlock a spray). */
export async function clearFailures(db: Db, accountKey: string): Promise<void> {
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [accountKey]));
}
