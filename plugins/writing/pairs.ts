import { and, desc, eq, ne, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { type DbOrTx, people } from "../../server/plugin-api.ts";
import { type WorkingWeek, weeklyOverlapHours } from "./overlap.ts";
import { managedBy, managesAnyOf } from "./people-access.ts";
import { pairs, writers } from "./schema.ts";

export type Pair = typeof pairs.$inferSelect;

export interface OptIns {
  wantsFeedback: boolean;
  offersReviews: boolean;
}

export async function optInsOf(db: DbOrTx, personId: string): Promise<OptIns> {
  const [row] = await db
    .select({ wantsFeedback: writers.wantsFeedback, offersReviews: writers.offersReviews })
    .from(writers)
    .where(eq(writers.personId, personId));
  return row ?? { wantsFeedback: false, offersReviews: false };
}

export async function saveOptIns(db: DbOrTx, personId: string, optIns: OptIns, at: Date): Promise<void> {
  await db
    .insert(writers)
    .values({ personId, ...optIns, updatedAt: at })
    .onConflictDoUpdate({ target: writers.personId, set: { ...optIns, updatedAt: at } });
}

/** Active people who opted in to one side, for the proposal form. */
export async function optedIn(db: DbOrTx, side: keyof OptIns): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: people.id, name: people.name })
    .from(writers)
    .innerJoin(people, eq(people.id, writers.personId))
    .where(and(eq(writers[side], true), eq(people.status, "active")))
    .orderBy(people.name);
}

export type ProposeResult = { ok: true; pair: Pair } | { ok: false; field: string; message: string };

/**
 * Proposes a pair for a quarter. Both people must have opted in (the writer to getting feedback,
 * the partner to reviewing); a person proposing a pair they are in has accepted their side.
 * A writer has at most one open or active pair per quarter.
 */
export async function proposePair(
  tx: DbOrTx,
  input: { quarter: string; writerId: string; partnerId: string; proposedBy: string; at: Date },
): Promise<ProposeResult> {
  if (input.writerId === input.partnerId)
    return { ok: false, field: "partnerId", message: "Choose someone else as the partner." };
  const [writer, partner] = await Promise.all([optInsOf(tx, input.writerId), optInsOf(tx, input.partnerId)]);
  if (!writer.wantsFeedback)
    return { ok: false, field: "writerId", message: "This writer has not opted in to feedback." };
  if (!partner.offersReviews)
    return { ok: false, field: "partnerId", message: "This partner has not opted in to reviewing." };
  const [open] = await tx
    .select({ id: pairs.id })
    .from(pairs)
    .where(and(eq(pairs.writerId, input.writerId), eq(pairs.quarter, input.quarter), ne(pairs.status, "declined")));
  if (open) return { ok: false, field: "writerId", message: `This writer already has a partner for ${input.quarter}.` };
  const writerAccepted = input.proposedBy === input.writerId;
  const partnerAccepted = input.proposedBy === input.partnerId;
  const [pair] = await tx
    .insert(pairs)
    .values({ ...input, writerAccepted, partnerAccepted, status: "proposed", createdAt: input.at })
    .returning();
  return { ok: true, pair: pair as Pair };
}

/** Accepts or declines one side of a proposed pair; the pair is active once both accepted. */
export async function decidePair(tx: DbOrTx, pair: Pair, personId: string, accept: boolean, at: Date): Promise<Pair> {
  if (!accept) {
    const [row] = await tx
      .update(pairs)
      .set({ status: "declined", decidedAt: at })
      .where(eq(pairs.id, pair.id))
      .returning();
    return row as Pair;
  }
  const writerAccepted = pair.writerAccepted || personId === pair.writerId;
  const partnerAccepted = pair.partnerAccepted || personId === pair.partnerId;
  const both = writerAccepted && partnerAccepted;
  const [row] = await tx
    .update(pairs)
    .set({ writerAccepted, partnerAccepted, status: both ? "active" : "proposed", decidedAt: both ? at : null })
    .where(eq(pairs.id, pair.id))
    .returning();
  return row as Pair;
}

export async function findPair(db: DbOrTx, id: string): Promise<Pair | null> {
  const [row] = await db.select().from(pairs).where(eq(pairs.id, id));
  return row ?? null;
}

/** The writer's active pair for the quarter, if any. */
export async function activePairOf(db: DbOrTx, writerId: string, quarter: string): Promise<Pair | null> {
  const [row] = await db
    .select()
    .from(pairs)
    .where(and(eq(pairs.writerId, writerId), eq(pairs.quarter, quarter), eq(pairs.status, "active")));
  return row ?? null;
}

export interface PairView extends Pair {
  writerName: string;
  partnerName: string;
  overlapHours: number;
}

const writer = alias(people, "writer");
const partner = alias(people, "partner");

/**
 * Pairs of a quarter the viewer may see: their own, and those of people on teams they manage.
 * Nobody else — not even admins — sees who is paired with whom.
 */
export async function visiblePairs(
  db: DbOrTx,
  viewerId: string,
  quarter: string,
  monday: Temporal.PlainDate,
): Promise<PairView[]> {
  const rows = await db
    .select({
      pair: pairs,
      writerName: writer.name,
      partnerName: partner.name,
      writerZone: writer.timeZone,
      writerHours: writer.workingHours,
      partnerZone: partner.timeZone,
      partnerHours: partner.workingHours,
    })
    .from(pairs)
    .innerJoin(writer, eq(writer.id, pairs.writerId))
    .innerJoin(partner, eq(partner.id, pairs.partnerId))
    .where(
      and(
        eq(pairs.quarter, quarter),
        or(
          eq(pairs.writerId, viewerId),
          eq(pairs.partnerId, viewerId),
          managedBy(pairs.writerId, viewerId),
          managedBy(pairs.partnerId, viewerId),
        ),
      ),
    )
    .orderBy(desc(pairs.createdAt));
  return rows.map((r) => ({
    ...r.pair,
    writerName: r.writerName,
    partnerName: r.partnerName,
    overlapHours: weeklyOverlapHours(
      { timeZone: r.writerZone, workingHours: r.writerHours } as WorkingWeek,
      { timeZone: r.partnerZone, workingHours: r.partnerHours } as WorkingWeek,
      monday,
    ),
  }));
}

/** Whether the viewer may see a pair: one of the two, or a manager of either. */
export async function canSeePair(db: DbOrTx, viewerId: string, pair: Pair): Promise<boolean> {
  if (pair.writerId === viewerId || pair.partnerId === viewerId) return true;
  return managesAnyOf(db, viewerId, [pair.writerId, pair.partnerId]);
}
