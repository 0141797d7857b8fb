import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import { notifyAdmins } from "../notifications/notifications.ts";
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
  if (total.held > 0)
    await notifyAdmins(
      services.db,
      {
        topic: "mail-held",
        title: "Mail is being held after 72 hours of failed delivery",
        body: `${total.held} message${total.held === 1 ? " was" : "s were"} still undelivered after 72 hours of retries. Fix the SMTP settings or server, then retry everything held from the Mail page.`,
        link: "/admin/mail?status=held",
      },
      { at: now, baseUrl: services.baseUrl },
    );
  return total;
}
