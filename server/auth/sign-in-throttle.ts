import { eq, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/index.ts";
import { instant } from "../db/rows.ts";
import { loginThrottle } from "./schema.ts";

/**
 * Growing delays between password attempts, following OWASP's authentication cheat sheet
 * (https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#login-throttling):
 * nothing is ever locked, an attempt only has to wait, and the wait doubles with each failure.
 *
 * Attempts are counted per (account, client), so a guesser slows only themselves: the owner,
 * on another client, signs in as usual. A client is the browser's device cookie when it carries
 * one issued to this account at an earlier sign-in, else its address. Clients without such a
 * cookie also share one counter per account with a larger allowance, so a guesser spread over
 * many addresses is slowed too — while the owner's known browser never is.
 */
export interface DelayPolicy {
  /** Failures allowed without any wait. */
  free: number;
  /** The wait after the first failure beyond `free`; it doubles with each further failure. */
  baseSeconds: number;
  /** The longest wait. */
  maxSeconds: number;
  /** A key untouched for this long starts again from zero. */
  quietMs: number;
}

export const perClientDelays: DelayPolicy = { free: 5, baseSeconds: 2, maxSeconds: 15 * 60, quietMs: 60 * 60_000 };
export const untrustedClientDelays: DelayPolicy = {
  free: 20,
  baseSeconds: 2,
  maxSeconds: 15 * 60,
  quietMs: 60 * 60_000,
};

/** Who is trying which account. `trusted` when the client is a device cookie issued to this account. */
export interface SignInAttempt {
  email: string;
  client: string;
  trusted: boolean;
}

export type AttemptClaim = { ok: true } | { ok: false; retryAfterSeconds: number };

const accountPrefix = (email: string): string => `signin:${email.trim().toLowerCase()}`;
const pairKey = (a: SignInAttempt): string => `${accountPrefix(a.email)}|${a.client}`;
const untrustedKey = (a: SignInAttempt): string => `${accountPrefix(a.email)}|untrusted`;

/**
 * Counts an attempt before the password is checked, atomically with the "may it run now?"
 * test, so parallel guesses cannot all slip through one open moment. A right password then
 * takes the count back with `signInSucceeded`.
 */
export async function claimSignInAttempt(db: DbOrTx, attempt: SignInAttempt, now: Date): Promise<AttemptClaim> {
  const pair = await claim(db, pairKey(attempt), perClientDelays, now);
  if (!pair.ok || attempt.trusted) return pair;
  return claim(db, untrustedKey(attempt), untrustedClientDelays, now);
}

/** The right password: the client starts again from zero, and the shared count gets its attempt back. */
export async function signInSucceeded(db: DbOrTx, attempt: SignInAttempt): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, pairKey(attempt)));
  if (!attempt.trusted) {
    await db
      .update(loginThrottle)
      .set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
      .where(eq(loginThrottle.key, untrustedKey(attempt)));
  }
}

/** Proof of the mailbox (a password reset) lifts every wait on the account. */
export async function clearSignInDelays(db: DbOrTx, email: string): Promise<void> {
  const prefix = `${accountPrefix(email)}|`;
  await db.delete(loginThrottle).where(sql`left(${loginThrottle.key}, ${prefix.length}::int) = ${prefix}`);
}

async function claim(db: DbOrTx, key: string, policy: DelayPolicy, now: Date): Promise<AttemptClaim> {
  const quietSince = instant(new Date(now.getTime() - policy.quietMs));
  const failures = sql`(case when ${loginThrottle.windowStart} < ${quietSince} then 1 else ${loginThrottle.failures} + 1 end)`;
  const claimed = await db
    .insert(loginThrottle)
    .values({
      key,
      failures: 1,
      windowStart: now,
      lockedUntil: new Date(now.getTime() + delaySeconds(1, policy) * 1000),
    })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures,
        windowStart: now,
        lockedUntil: sql`${instant(now)} + ${waitFor(failures, policy)} * interval '1 second'`,
      },
      // Only when the current wait is over; otherwise nothing changes and nothing is returned.
      setWhere: sql`${loginThrottle.lockedUntil} is null or ${loginThrottle.lockedUntil} <= ${instant(now)}`,
    })
    .returning({ key: loginThrottle.key });
  if (claimed.length) return { ok: true };
  const [row] = await db
    .select({ lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(eq(loginThrottle.key, key));
  const waitMs = (row?.lockedUntil?.getTime() ?? now.getTime()) - now.getTime();
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** The wait after `failures` failures, in seconds. */
export function delaySeconds(failures: number, policy: DelayPolicy): number {
  if (failures <= policy.free) return 0;
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (failures - policy.free - 1));
}

function waitFor(failures: SQL, policy: DelayPolicy): SQL {
  return sql`(case when ${failures} <= ${policy.free}::int then 0 else least(${policy.maxSeconds}::float8, ${policy.baseSeconds}::float8 * power(2, least(${failures} - ${policy.free}::int - 1, 30))) end)`;
}

/** "Try again in 2 seconds." / "… in 15 minutes." */
export function retryIn(seconds: number): string {
  if (seconds < 90) return `Try again in ${seconds} ${seconds === 1 ? "second" : "seconds"}.`;
  return `Try again in ${Math.ceil(seconds / 60)} minutes.`;
}
