import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { type DbOrTx, people } from "../../server/plugin-api.ts";
import { policy, policyChanges } from "./schema.ts";

/** The floor of the group-size threshold: it may be raised, never lowered below this. */
export const MIN_GROUP_FLOOR = 5;

export interface Policy {
  minGroupSize: number;
  rollupRetentionDays: number;
}

export const policyForm = z.object({
  minGroupSize: z.coerce
    .number("Enter a whole number.")
    .int("Enter a whole number.")
    .min(MIN_GROUP_FLOOR, `Team figures need at least ${MIN_GROUP_FLOOR} people; the threshold cannot go lower.`)
    .max(100, "At most 100."),
  rollupRetentionDays: z.coerce
    .number("Enter a number of days.")
    .int("Enter a whole number of days.")
    .min(7, "Keep rollups at least 7 days.")
    .max(730, "At most 730 days."),
});

export async function currentPolicy(db: DbOrTx): Promise<Policy> {
  const [row] = await db.select().from(policy).where(eq(policy.id, 1));
  return {
    minGroupSize: Math.max(MIN_GROUP_FLOOR, row?.minGroupSize ?? MIN_GROUP_FLOOR),
    rollupRetentionDays: row?.rollupRetentionDays ?? 90,
  };
}

/** Saves a policy change and one audit row per changed field, in the caller's transaction. */
export async function changePolicy(tx: DbOrTx, next: Policy, by: string, at: Date): Promise<number> {
  const before = await currentPolicy(tx);
  const changes = (Object.keys(next) as (keyof Policy)[])
    .filter((field) => before[field] !== next[field])
    .map((field) => ({ changedBy: by, field, oldValue: before[field], newValue: next[field], changedAt: at }));
  if (!changes.length) return 0;
  await tx
    .insert(policy)
    .values({ id: 1, ...next, updatedAt: at })
    .onConflictDoUpdate({ target: policy.id, set: { ...next, updatedAt: at } });
  await tx.insert(policyChanges).values(changes);
  return changes.length;
}

export interface PolicyChange {
  field: string;
  oldValue: number;
  newValue: number;
  changedAt: Date;
  changedBy: string;
}

/** Every policy change, newest first, with the admin who made it: visible to every member. */
export async function policyHistory(db: DbOrTx): Promise<PolicyChange[]> {
  return db
    .select({
      field: policyChanges.field,
      oldValue: policyChanges.oldValue,
      newValue: policyChanges.newValue,
      changedAt: policyChanges.changedAt,
      changedBy: people.name,
    })
    .from(policyChanges)
    .innerJoin(people, eq(people.id, policyChanges.changedBy))
    .orderBy(desc(policyChanges.changedAt));
}

export const policyLabels: Record<string, string> = {
  minGroupSize: "Minimum people behind a team figure",
  rollupRetentionDays: "Days rollups are kept",
};
