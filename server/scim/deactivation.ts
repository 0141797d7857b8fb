import { and, eq, isNull } from "drizzle-orm";
import { apiTokens, sessions } from "../auth/schema.ts";
import type { Tx } from "../db/index.ts";

/**
 * What deactivating a person from the directory must end at once: every browser session and
 * every API token. (A deactivated person's tokens would already be refused; revoking them
 * means reactivation does not bring them back.)
 */
export async function endAccess(
  tx: Tx,
  personId: string,
  at: Date,
): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const ended = await tx.delete(sessions).where(eq(sessions.personId, personId)).returning({ id: sessions.id });
  const revoked = await tx
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.personId, personId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return { sessionsEnded: ended.length, tokensRevoked: revoked.length };
}
