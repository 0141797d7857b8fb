import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../../context.ts";
import type { Db, DbOrTx } from "../../db/index.ts";
import { seal, unseal } from "../../org/sealed.ts";
import { isUuid } from "../../people/people.ts";
import { type Delivery, enqueueDelivery } from "../outbox.ts";
import { type ChatService, chatConnections, chatServices, outboundDeliveries } from "../schema.ts";
import type { DeliverySigner } from "../types.ts";
import { type ChatMessage, chatPayload } from "./payloads.ts";

export type ChatConnection = Omit<typeof chatConnections.$inferSelect, "urlSealed" | "slashTokenHash"> & {
  hasSlashCommand: boolean;
};

export const serviceNames: Record<ChatService, string> = {
  teams: "Microsoft Teams",
  mattermost: "Mattermost",
  "google-chat": "Google Chat",
};

/**
 * What may be shown of a webhook URL: its origin and last four characters. The whole URL is
 * the credential (anyone holding it can post to the channel), so it is never shown back.
 */
export function urlHint(url: string): string {
  const { origin } = new URL(url);
  return `${origin}/…${url.slice(-4)}`;
}

/** The slash command token's hash: only compared, never read back. */
export function slashTokenHash(token: string): string {
  return createHash("sha256").update(`mattermost-slash:${token}`).digest("hex");
}

const columns = {
  id: chatConnections.id,
  teamId: chatConnections.teamId,
  service: chatConnections.service,
  label: chatConnections.label,
  urlHint: chatConnections.urlHint,
  postBottomLines: chatConnections.postBottomLines,
  postReminders: chatConnections.postReminders,
  enabled: chatConnections.enabled,
  slashTokenHash: chatConnections.slashTokenHash,
  createdBy: chatConnections.createdBy,
  createdAt: chatConnections.createdAt,
  updatedAt: chatConnections.updatedAt,
};

function shape(row: { slashTokenHash: string | null } & Omit<ChatConnection, "hasSlashCommand">): ChatConnection {
  const { slashTokenHash: hash, ...visible } = row;
  return { ...visible, hasSlashCommand: hash !== null };
}

export async function connectionsOf(db: Db, teamId: string): Promise<ChatConnection[]> {
  const rows = await db
    .select(columns)
    .from(chatConnections)
    .where(eq(chatConnections.teamId, teamId))
    .orderBy(asc(chatConnections.createdAt));
  return rows.map(shape);
}

export async function findConnection(db: Db, teamId: string, id: string): Promise<ChatConnection | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select(columns)
    .from(chatConnections)
    .where(and(eq(chatConnections.id, id), eq(chatConnections.teamId, teamId)));
  return row ? shape(row) : null;
}

/** The enabled Mattermost connection a slash command token belongs to, with its team. */
export async function slashTokenOwner(
  db: Db,
  hash: string,
): Promise<{ id: string; teamId: string; enabled: boolean } | null> {
  const [row] = await db
    .select({ id: chatConnections.id, teamId: chatConnections.teamId, enabled: chatConnections.enabled })
    .from(chatConnections)
    .where(eq(chatConnections.slashTokenHash, hash));
  return row ?? null;
}

export interface ConnectionInput {
  service: ChatService;
  label: string;
  /** Sealed with `seal` before the transaction (sealing may read the install secret). */
  urlSealed: string;
  urlHint: string;
  postBottomLines: boolean;
  postReminders: boolean;
  slashTokenHash: string | null;
}

export async function createConnection(
  db: DbOrTx,
  input: ConnectionInput & { teamId: string; createdBy: string; at: Date },
): Promise<string> {
  const { at, ...values } = input;
  const [row] = await db
    .insert(chatConnections)
    .values({ ...values, createdAt: at, updatedAt: at })
    .returning({ id: chatConnections.id });
  return (row as { id: string }).id;
}

export async function updateConnection(
  db: DbOrTx,
  id: string,
  changes: Partial<ConnectionInput> & { enabled?: boolean; at: Date },
): Promise<void> {
  const { at, ...values } = changes;
  await db
    .update(chatConnections)
    .set({ ...values, updatedAt: at })
    .where(eq(chatConnections.id, id));
}

export async function deleteConnection(db: DbOrTx, id: string): Promise<void> {
  await db.delete(chatConnections).where(eq(chatConnections.id, id));
}

/** Seals a webhook URL for storage; returns it with its display hint. */
export async function sealedUrl(ctx: AppContext, url: string): Promise<{ urlSealed: string; urlHint: string }> {
  return { urlSealed: await seal(ctx, url), urlHint: urlHint(url) };
}

/** Queues a post to one connection's channel. The delivery stores the URL's hint; the signer adds the real URL. */
export async function queueChatPost(
  db: DbOrTx,
  connection: Pick<ChatConnection, "id" | "service" | "urlHint">,
  post: { dedupeKey: string; eventType: string; message: ChatMessage },
  now: Date,
): Promise<boolean> {
  return enqueueDelivery(
    db,
    {
      kind: connection.service,
      dedupeKey: post.dedupeKey,
      targetId: connection.id,
      eventType: post.eventType,
      url: connection.urlHint,
      body: chatPayload(connection.service, post.message, post.dedupeKey.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 60)),
    },
    now,
  );
}

/** The latest posts to a team's channels, for its managers. */
export async function recentChatPosts(db: Db, connectionIds: string[], limit = 20): Promise<Delivery[]> {
  if (!connectionIds.length) return [];
  return db
    .select()
    .from(outboundDeliveries)
    .where(inArray(outboundDeliveries.targetId, connectionIds))
    .orderBy(desc(outboundDeliveries.createdAt))
    .limit(limit);
}

/** One signer per chat service: resolves the sealed webhook URL of the delivery's connection at send time. */
export function chatSigners(ctx: AppContext): DeliverySigner[] {
  return chatServices.map((service) => ({
    kind: service,
    async sign(request) {
      const [connection] =
        request.targetId && isUuid(request.targetId)
          ? await ctx.db
              .select({ urlSealed: chatConnections.urlSealed, enabled: chatConnections.enabled })
              .from(chatConnections)
              .where(and(eq(chatConnections.id, request.targetId), eq(chatConnections.service, service)))
          : [];
      if (!connection) return { send: false, reason: "The channel connection was removed." };
      if (!connection.enabled) return { send: false, reason: "The channel connection is paused." };
      const url = await unseal(ctx, connection.urlSealed);
      if (!url) return { send: false, reason: "The webhook URL cannot be read: was SECRET_KEY changed?" };
      return { send: true, url };
    },
  }));
}
