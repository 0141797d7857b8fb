import { eq } from "drizzle-orm";
import { type DomainEvent, type PluginServices, people } from "../../server/plugin-api.ts";
import { kudos } from "./schema.ts";

/**
 * Emails the recipient. Idempotent: the outbox dedupe key is the event id, so a retried
 * delivery queues nothing new.
 */
export async function notifyRecipient(event: DomainEvent<"kudos.given">, s: PluginServices): Promise<void> {
  const [row] = await s.db
    .select({ message: kudos.message, toEmail: people.email, toName: people.name })
    .from(kudos)
    .innerJoin(people, eq(people.id, kudos.toId))
    .where(eq(kudos.id, event.payload.kudosId));
  if (!row) return; // pruned or deleted since: nothing to say
  const [from] = await s.db.select({ name: people.name }).from(people).where(eq(people.id, event.payload.fromId));
  await s.queueMail(s.db, {
    dedupeKey: `kudos:${event.id}`,
    to: row.toEmail,
    subject: `${from?.name ?? "A colleague"} sent you kudos`,
    text: `${from?.name ?? "A colleague"} says: ${row.message}\n\n${s.baseUrl}/kudos`,
  });
}
