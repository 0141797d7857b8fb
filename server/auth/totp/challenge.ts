import { and, eq, gt, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/index.ts";
import { generateToken, hashToken } from "../tokens.ts";
import { twoFactorChallenges } from "./schema.ts";

/** How long a person has to type the code after a correct password. */
export const CHALLENGE_LIFETIME_MS = 10 * 60_000;
/** Wrong codes allowed before the password must be entered again. */
export const MAX_CODE_FAILURES = 5;

export type Challenge = typeof twoFactorChallenges.$inferSelect;

/** A password sign-in waiting for its second factor; returns the token the browser keeps. */
export async function startChallenge(db: Db, input: { personId: string; next: string; now: Date }): Promise<string> {
  const token = generateToken();
  await db.delete(twoFactorChallenges).where(lte(twoFactorChallenges.expiresAt, input.now));
  await db.insert(twoFactorChallenges).values({
    tokenHash: hashToken(token),
    personId: input.personId,
    next: input.next,
    expiresAt: new Date(input.now.getTime() + CHALLENGE_LIFETIME_MS),
  });
  return token;
}

export async function findChallenge(db: Db, token: string, now: Date): Promise<Challenge | null> {
  const [row] = await db
    .select()
    .from(twoFactorChallenges)
    .where(and(eq(twoFactorChallenges.tokenHash, hashToken(token)), gt(twoFactorChallenges.expiresAt, now)));
  return row ?? null;
}

/** Ends a challenge (passed, or too many wrong codes). */
export async function endChallenge(db: Db, token: string): Promise<void> {
  await db.delete(twoFactorChallenges).where(eq(twoFactorChallenges.tokenHash, hashToken(token)));
}

/** Counts a wrong code; the challenge ends at the limit. Returns the attempts left. */
export async function recordCodeFailure(db: Db, token: string): Promise<number> {
  const [row] = await db
    .update(twoFactorChallenges)
    .set({ failures: sql`${twoFactorChallenges.failures} + 1` })
    .where(eq(twoFactorChallenges.tokenHash, hashToken(token)))
    .returning({ failures: twoFactorChallenges.failures });
  const left = MAX_CODE_FAILURES - (row?.failures ?? MAX_CODE_FAILURES);
  if (left <= 0) await endChallenge(db, token);
  return Math.max(0, left);
}
