import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import type { RouteRule } from "../http/access.ts";
import { audit } from "../org/audit.ts";
import { ALL_WRITES_SCOPE, READ_SCOPE } from "./api-scopes.ts";
import { API_TOKEN_PREFIX } from "./middleware.ts";
import { apiTokens } from "./schema.ts";
import { generateToken, hashToken } from "./tokens.ts";

export type ApiToken = typeof apiTokens.$inferSelect;

/** A token scope: `read`, a resource's `<resource>:write`, or `write` for all (see api-scopes.ts). */
export type ApiScope = string;

/** A scope a person can choose for a new token, with what it allows. */
export interface ScopeChoice {
  scope: ApiScope;
  label: string;
  allows: string[];
}

/**
 * The scopes a new token can have: `read`, each write scope that an API endpoint of core or an
 * enabled plugin declares (with the operations it allows), and `write` for every change.
 */
export function scopeChoices(rules: readonly RouteRule[], isOn: (owner: string) => boolean): ScopeChoice[] {
  const writes = new Map<string, string[]>();
  for (const rule of rules) {
    const endpoint = rule.endpoint;
    if (!endpoint || endpoint.scope === READ_SCOPE || !isOn(rule.owner)) continue;
    writes.set(endpoint.scope, [...(writes.get(endpoint.scope) ?? []), endpoint.summary]);
  }
  return [
    { scope: READ_SCOPE, label: "Read", allows: ["Every GET under /api"] },
    ...[...writes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([scope, allows]) => ({ scope, label: scope, allows })),
    {
      scope: ALL_WRITES_SCOPE,
      label: "All changes",
      allows: ["Every change you may make through the API, including those added later"],
    },
  ];
}

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
