import { and, eq, ne, sql } from "drizzle-orm";
import type { DomainEvent, PluginServices } from "../../server/plugin-api.ts";
import { asksForClarification, measureUpdate } from "./measures.ts";
import { clarifications, updateMeasures } from "./schema.ts";
import type { WritingSettings } from "./settings.ts";

/**
 * `status.posted`: measure the update once (a retried delivery inserts nothing). A clarification
 * question that was handled before the update (events for different handlers may interleave)
 * is counted here.
 */
export async function onStatusPosted(
  event: DomainEvent<"status.posted">,
  s: PluginServices<WritingSettings>,
): Promise<void> {
  const p = event.payload;
  if (typeof p.body !== "string") return; // posted by a version that did not send the text
  const m = measureUpdate(s.writing, p.body, p.ask ?? "");
  const clarified = sql<boolean>`exists (select 1 from ${clarifications} c where c.update_id = ${p.updateId}::uuid and c.commenter_id <> ${p.authorId}::uuid)`;
  await s.db
    .insert(updateMeasures)
    .values({
      updateId: p.updateId,
      authorId: p.authorId,
      teamId: p.teamId,
      postedAt: event.createdAt,
      ...m,
      clarified,
    })
    .onConflictDoNothing();
}

/** `comment.created` on an update: a question from someone other than the author marks it clarified. */
export async function onCommentCreated(
  event: DomainEvent<"comment.created">,
  s: PluginServices<WritingSettings>,
): Promise<void> {
  const p = event.payload;
  if (p.subject.kind !== "status-update" || typeof p.body !== "string" || !asksForClarification(p.body)) return;
  await s.transaction(async (tx) => {
    await tx
      .insert(clarifications)
      .values({ commentId: p.commentId, updateId: p.subject.id, commenterId: p.authorId, createdAt: event.createdAt })
      .onConflictDoNothing();
    await tx
      .update(updateMeasures)
      .set({ clarified: true })
      .where(and(eq(updateMeasures.updateId, p.subject.id), ne(updateMeasures.authorId, p.authorId)));
  });
}
