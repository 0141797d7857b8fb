import { and, desc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import { webhookTokens } from "./schema.ts";

/** Every SLA webhook token starts with this, so a leaked one is recognisable (and scannable). */
export const TOKEN_PREFIX = "dtsla_";

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function hashWebhookToken(token: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}

/** Creates a token for a team; the plaintext is returned once and only its hash is stored. */
export async function createWebhookToken(
  db: DbOrTx,
  input: { teamId: string; name: string; actorId: string; at: Date },
): Promise<{ id: string; token: string }> {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const token = TOKEN_PREFIX + Buffer.from(bytes).toString("base64url");
  const [row] = await db
    .insert(webhookTokens)
    .values({
      teamId: input.teamId,
      name: input.name,
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      tokenHash: await hashWebhookToken(token),
      createdById: input.actorId,
      createdAt: input.at,
    })
    .returning({ id: webhookTokens.id });
  return { id: (row as { id: string }).id, token };
}

export async function tokensOf(db: DbOrTx, teamId: string): Promise<(typeof webhookTokens.$inferSelect)[]> {
  return db.select().from(webhookTokens).where(eq(webhookTokens.teamId, teamId)).orderBy(desc(webhookTokens.createdAt));
}

export async function revokeWebhookToken(db: DbOrTx, teamId: string, id: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(webhookTokens)
    .set({ revokedAt: at })
    .where(and(eq(webhookTokens.id, id), eq(webhookTokens.teamId, teamId), isNull(webhookTokens.revokedAt)))
    .returning({ id: webhookTokens.id });
  return rows.length > 0;
}

/** The team a bearer token authenticates, or null for a missing, unknown or revoked token. */
export async function authenticateWebhook(
  db: DbOrTx,
  authorization: string | undefined,
  at: Date,
): Promise<{ tokenId: string; teamId: string } | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  const token = m?.[1];
  if (!token?.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const [row] = await db
    .select({ id: webhookTokens.id, teamId: webhookTokens.teamId })
    .from(webhookTokens)
    .where(and(eq(webhookTokens.tokenHash, await hashWebhookToken(token)), isNull(webhookTokens.revokedAt)));
  if (!row) return null;
  await db.update(webhookTokens).set({ lastUsedAt: at }).where(eq(webhookTokens.id, row.id));
  return { tokenId: row.id, teamId: row.teamId };
}
