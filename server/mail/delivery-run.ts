import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import { notifyMany } from "../notifications/notifications.ts";
import { people } from "../people/schema.ts";
import type { Mailer } from "./mailer.ts";
import { type DeliveryReport, deliverDue } from "./outbox.ts";

/**
 * One run of the delivery job: sends everything due (in rounds of 50), then tells every admin
 * in the portal when messages were held, since email may be exactly what is broken.
 */
export async function runMailDelivery(
  services: { db: Db; mailer: Mailer; logger?: Logger; baseUrl: string },
  now: Date,
): Promise<DeliveryReport> {
  const total: DeliveryReport = { sent: 0, retried: 0, held: 0, dropped: 0 };
  for (let round = 0; round < 20; round++) {
    const report = await deliverDue(services.db, services.mailer, now, services.logger);
    total.sent += report.sent;
    total.retried += report.retried;
    total.held += report.held;
    total.dropped += report.dropped;
    if (report.sent + report.retried + report.held === 0) break;
  }
  if (total.held > 0) await notifyAdminsOfHeldMail(services.db, total.held, now, services.baseUrl);
  return total;
}

async function notifyAdminsOfHeldMail(db: Db, held: number, now: Date, baseUrl: string): Promise<void> {
  const admins = await db
    .select({ id: people.id })
    .from(people)
    .where(and(inArray(people.role, ["owner", "admin"]), eq(people.status, "active")));
  const day = now.toISOString().slice(0, 10);
  await notifyMany(
    db,
    admins.map((admin) => ({
      personId: admin.id,
      title: "Mail is being held after 72 hours of failed delivery",
      body: `${held} message${held === 1 ? " was" : "s were"} still undelivered after 72 hours of retries. Fix the SMTP settings or server, then retry everything held from the Mail page.`,
      link: "/admin/mail?status=held",
      // One note per admin per day, however many runs hold messages.
      dedupeKey: `mail-held:${admin.id}:${day}`,
    })),
    { source: "core", at: now, baseUrl },
  );
}
