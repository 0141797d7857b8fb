import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import type { Review } from "./reviews.ts";
import { examples } from "./schema.ts";

export type Example = typeof examples.$inferSelect;

/** The author consents: the draft's bottom line (before) and the partner's rewrite (after), without names. */
export async function offerExample(db: DbOrTx, input: { review: Review; at: Date }): Promise<void> {
  const [existing] = await db.select({ id: examples.id }).from(examples).where(eq(examples.reviewId, input.review.id));
  if (existing) return;
  await db.insert(examples).values({
    reviewId: input.review.id,
    consentedBy: input.review.authorId,
    before: input.review.bottomLine || input.review.text.slice(0, 500),
    after: input.review.suggestedBottomLine ?? "",
    createdAt: input.at,
  });
}

/** The most recent consented examples, for a new workshop's agenda. */
export async function latestExamples(db: DbOrTx, limit = 3): Promise<Example[]> {
  return db.select().from(examples).orderBy(desc(examples.createdAt)).limit(limit);
}
