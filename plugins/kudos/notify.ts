import { eq } from "drizzle-orm";
import { type DomainEvent, type PluginServices, people } from "../../server/plugin-api.ts";
import { kudos } from "./schema.ts";

/**
 * Tells the recipient, in the portal and wherever their preferences for kudos say (email, chat).
 * Idempotent: the dedupe key is the event id, so a retried delivery notifies nobody twice.
 */
export async function notifyRecipient(event: DomainEvent<"kudos.given">, s: PluginServices): Promise<void> {
  const [row] = await s.db
    .select({ message: kudos.message, toId: kudos.toId })
    .from(kudos)
    .where(eq(kudos.id, event.payload.kudosId));
  if (!row) return; // pruned or deleted since: nothing to say
  const [from] = await s.db.select({ name: people.name }).from(people).where(eq(people.id, event.payload.fromId));
  await s.notify(s.db, {
    personId: row.toId,
    kind: "kudos",
    title: `${from?.name ?? "A colleague"} sent you kudos`,
    body: row.message,
    link: "/kudos",
    dedupeKey: `kudos:${event.id}`,
  });
}
