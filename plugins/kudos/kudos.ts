import { and, count, desc, eq, gte, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { type DbOrTx, people } from "../../server/plugin-api.ts";
import { kudos } from "./schema.ts";

export type Kudos = typeof kudos.$inferSelect;

export interface KudosView {
  id: string;
  fromName: string;
  toName: string;
  message: string;
  createdAt: Date;
}

const sender = alias(people, "sender");
const recipient = alias(people, "recipient");

/** The latest kudos, newest first, with names resolved in the same query. */
export async function recentKudos(
  db: DbOrTx,
  options: { toId?: string; since?: Date; limit?: number } = {},
): Promise<KudosView[]> {
  const conditions = [
    options.toId ? eq(kudos.toId, options.toId) : undefined,
    options.since ? gte(kudos.createdAt, options.since) : undefined,
  ].filter((c) => c !== undefined);
  return db
    .select({
      id: kudos.id,
      fromName: sender.name,
      toName: recipient.name,
      message: kudos.message,
      createdAt: kudos.createdAt,
    })
    .from(kudos)
    .innerJoin(sender, eq(sender.id, kudos.fromId))
    .innerJoin(recipient, eq(recipient.id, kudos.toId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(kudos.createdAt))
    .limit(options.limit ?? 20);
}

/** How many kudos a person has given since `since` (the weekly limit counts these). */
export async function givenSince(db: DbOrTx, fromId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(kudos)
    .where(and(eq(kudos.fromId, fromId), gte(kudos.createdAt, since)));
  return row?.n ?? 0;
}

export async function giveKudos(
  db: DbOrTx,
  input: { fromId: string; toId: string; message: string; at: Date },
): Promise<Kudos> {
  const [row] = await db
    .insert(kudos)
    .values({ ...input, createdAt: input.at })
    .returning();
  return row as Kudos;
}

/** Deletes kudos older than `before`; returns how many. */
export async function pruneKudos(db: DbOrTx, before: Date): Promise<number> {
  const deleted = await db.delete(kudos).where(lt(kudos.createdAt, before)).returning({ id: kudos.id });
  return deleted.length;
}

export async function countKudos(db: DbOrTx, since?: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(kudos)
    .where(since ? gte(kudos.createdAt, since) : undefined);
  return row?.n ?? 0;
}
