import { and, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../../db/index.ts";
import { hashToken } from "../tokens.ts";
import type { SignInSecrets } from "./client.ts";
import { ssoSignInAttempts } from "./schema.ts";

/** How long a person may take at the identity provider before the sign-in must start over. */
export const ATTEMPT_LIFETIME_MS = 10 * 60_000;

/** Remembers a started sign-in (in the database, so any instance can finish it). */
export async function saveAttempt(db: Db, secrets: SignInSecrets, next: string, now: Date): Promise<void> {
  // Abandoned attempts are cleared on the way: they are short-lived and only ever looked up by key.
  await db.delete(ssoSignInAttempts).where(lte(ssoSignInAttempts.expiresAt, now));
  await db.insert(ssoSignInAttempts).values({
    stateHash: hashToken(secrets.state),
    codeVerifier: secrets.codeVerifier,
    nonce: secrets.nonce,
    next,
    expiresAt: new Date(now.getTime() + ATTEMPT_LIFETIME_MS),
  });
}

/**
 * Takes the attempt a `state` belongs to, once: the row is deleted as it is read, so a replayed
 * callback finds nothing. Null when unknown, used already or expired.
 */
export async function takeAttempt(
  db: Db,
  state: string,
  now: Date,
): Promise<{ secrets: SignInSecrets; next: string } | null> {
  const [row] = await db
    .delete(ssoSignInAttempts)
    .where(and(eq(ssoSignInAttempts.stateHash, hashToken(state)), gt(ssoSignInAttempts.expiresAt, now)))
    .returning();
  if (!row) return null;
  return { secrets: { state, nonce: row.nonce, codeVerifier: row.codeVerifier }, next: row.next };
}
