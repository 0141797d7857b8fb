import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { audit } from "../org/audit.ts";
import { API_TOKEN_PREFIX } from "./middleware.ts";
import { apiTokens } from "./schema.ts";
import { generateToken, hashToken } from "./tokens.ts";

export type ApiToken = typeof apiTokens.$inferSelect;

/** What a token may do. `read` allows GET under /api; `write` everything the person may do. */
export const apiScopes = ["read", "write"] as const;
export type ApiScope = (typeof apiScopes)[number];

/** Creates a token for a person; the plaintext is returned once and never stored. */
export async function createApiToken(
  db: Db,
  input: { personId: string; name: string; scopes: ApiScope[]; at: Date },
): Promise<{ token: string; row: ApiToken }> {
  const token = generateToken(API_TOKEN_PREFIX);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiTokens)
      .values({
        personId: input.personId,
        name: input.name,
        scopes: input.scopes,
        tokenHash: hashToken(token),
        createdAt: input.at,
      })
      .returning();
    await audit(tx, {
      actorId: input.personId,
      action: "api-token.created",
      target: input.name,
      details: { scopes: input.scopes },
      at: input.at,
    });
    return created as ApiToken;
  });
  return { token, row };
}

export async function listApiTokens(db: Db, personId: string): Promise<ApiToken[]> {
  return db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.personId, personId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of the person's own tokens; false when there is no such live token. */
export async function revokeApiToken(db: Db, input: { personId: string; tokenId: string; at: Date }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(apiTokens)
      .set({ revokedAt: input.at })
      .where(and(eq(apiTokens.id, input.tokenId), eq(apiTokens.personId, input.personId), isNull(apiTokens.revokedAt)))
      .returning({ name: apiTokens.name });
    if (!rows.length) return false;
    await audit(tx, {
      actorId: input.personId,
      action: "api-token.revoked",
      target: rows[0]?.name ?? "",
      at: input.at,
    });
    return true;
  });
}
