import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/index.ts";
import { type DigestFrequency, digestPreferences } from "./schema.ts";

export async function digestFrequency(db: DbOrTx, personId: string): Promise<DigestFrequency> {
  const [row] = await db.select().from(digestPreferences).where(eq(digestPreferences.personId, personId));
  return row?.frequency ?? "weekly";
}

export async function setDigestFrequency(
  db: DbOrTx,
  personId: string,
  frequency: DigestFrequency,
  now: Date,
): Promise<void> {
  await db
    .insert(digestPreferences)
    .values({ personId, frequency, updatedAt: now })
    .onConflictDoUpdate({ target: digestPreferences.personId, set: { frequency, updatedAt: now } });
}

/** Everyone's non-default choices, for the digest job (one query instead of one per person). */
export async function allDigestFrequencies(db: DbOrTx): Promise<Map<string, DigestFrequency>> {
  const rows = await db.select().from(digestPreferences);
  return new Map(rows.map((r) => [r.personId, r.frequency]));
}
