import type { DomainEvent, PluginServices } from "../../server/plugin-api.ts";
import { asksForClarification, measureUpdate } from "./measures.ts";
import { clarifications, updateMeasures } from "./schema.ts";
import type { WritingSettings } from "./settings.ts";

/** `status.posted`: measure the update once (an upsert, so a retried delivery changes nothing). */
export async function onStatusPosted(
  event: DomainEvent<"status.posted">,
  s: PluginServices<WritingSettings>,
): Promise<void> {
  const p = event.payload;
  if (typeof p.body !== "string") return; // posted by a version that did not send the text
  const m = measureUpdate(s.writing, p.body, p.ask ?? "");
  await s.db
    .insert(updateMeasures)
    .values({ updateId: p.updateId, authorId: p.authorId, teamId: p.teamId, postedAt: event.createdAt, ...m })
    .onConflictDoNothing();
}

/** `comment.created` on an update: remember questions (the author's own are left out when counting). */
export async function onCommentCreated(
  event: DomainEvent<"comment.created">,
  s: PluginServices<WritingSettings>,
): Promise<void> {
  const p = event.payload;
  if (p.subject.kind !== "status-update" || typeof p.body !== "string" || !asksForClarification(p.body)) return;
  await s.db
    .insert(clarifications)
    .values({ commentId: p.commentId, updateId: p.subject.id, commenterId: p.authorId, createdAt: event.createdAt })
    .onConflictDoNothing();
}
