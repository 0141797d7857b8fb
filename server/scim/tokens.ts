import { and, desc, eq, isNull } from "drizzle-orm";
import { generateToken, hashToken } from "../auth/tokens.ts";
import type { Db } from "../db/index.ts";
import { audit } from "../org/audit.ts";
import { scimTokens } from "./schema.ts";

export type ScimToken = typeof scimTokens.$inferSelect;

/** Prefix of SCIM tokens, so they are recognisable in logs and secret scanners. */
export const SCIM_TOKEN_PREFIX = "dtscim_";

/** Creates a token for the identity provider; the plaintext is returned once and never stored. */
export async function createScimToken(
  db: Db,
  input: { name: string; actorId: string; at: Date },
): Promise<{ token: string; row: ScimToken }> {
  const token = generateToken(SCIM_TOKEN_PREFIX);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(scimTokens)
      .values({ name: input.name, tokenHash: hashToken(token), createdBy: input.actorId, createdAt: input.at })
      .returning();
    await audit(tx, { actorId: input.actorId, action: "scim.token-created", target: input.name, at: input.at });
    return created as ScimToken;
  });
  return { token, row };
}

export async function listScimTokens(db: Db): Promise<ScimToken[]> {
  return db.select().from(scimTokens).where(isNull(scimTokens.revokedAt)).orderBy(desc(scimTokens.createdAt));
}

export async function revokeScimToken(db: Db, input: { tokenId: string; actorId: string; at: Date }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(scimTokens)
      .set({ revokedAt: input.at })
      .where(and(eq(scimTokens.id, input.tokenId), isNull(scimTokens.revokedAt)))
      .returning();
    if (!revoked) return false;
    await audit(tx, { actorId: input.actorId, action: "scim.token-revoked", target: revoked.name, at: input.at });
    return true;
  });
}

/** The live token a bearer value belongs to, marked as used now; null when unknown or revoked. */
export async function authenticateScimToken(db: Db, bearer: string, at: Date): Promise<ScimToken | null> {
  const [row] = await db
    .update(scimTokens)
    .set({ lastUsedAt: at })
    .where(and(eq(scimTokens.tokenHash, hashToken(bearer)), isNull(scimTokens.revokedAt)))
    .returning();
  return row ?? null;
}
