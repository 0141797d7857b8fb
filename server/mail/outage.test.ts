import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { SMTPServer } from "smtp-server";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { runMailDelivery } from "./delivery-run.ts";
import { smtpMailer } from "./mailer.ts";
import { deliverDue, listOutbox, queueMail } from "./outbox.ts";

/** A real SMTP server on 127.0.0.1 that records the Message-IDs it accepted. */
function startSmtp(port: number, received: string[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      let data = "";
      stream.on("data", (chunk: Buffer) => {
        data += chunk.toString();
      });
      stream.on("end", () => {
        received.push(/^Subject: (.*)$/m.exec(data)?.[1] ?? "?");
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

function stop(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe("outbox delivery", () => {
  it("delivers every message exactly once across an SMTP outage", async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const received: string[] = [];
    let server = await startSmtp(port, received);
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, "desk@example.com", { timeoutMs: 2000 });
    for (let i = 0; i < 12; i++) {
      await queueMail(
        t.ctx.db,
        { dedupeKey: `outage-${i}`, to: "ops@example.com", subject: `message ${i}`, text: "hi" },
        t.clock.now(),
      );
    }
    // Queuing a key twice is a no-op.
    expect(
      await queueMail(t.ctx.db, { dedupeKey: "outage-3", to: "ops@example.com", subject: "message 3", text: "hi" }),
    ).toBe(false);

    const first = await deliverDue(t.ctx.db, mailer, t.clock.now(), undefined, 5);
    expect(first.sent).toBe(5);
    await stop(server);
    const during = await deliverDue(t.ctx.db, mailer, t.clock.now(), undefined, 4);
    expect(during.sent).toBe(0);
    expect(during.retried).toBe(4);

    server = await startSmtp(port, received);
    // Failed messages wait for their backoff; the rest go at once.
    t.clock.advance(10 * 60_000);
    for (let i = 0; i < 5; i++) await deliverDue(t.ctx.db, mailer, t.clock.now());
    mailer.close();
    await stop(server);
    expect(received.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `message ${i}`).sort());
  });

  it("retries for 72 hours, holds what is left, drops stale digests, and delivers each held message once on one retry", async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    // SMTP is down for the whole weekend: nothing listens on the port.
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, "desk@example.com", { timeoutMs: 2000 });
    const admin = await t.signedIn("admin");
    const start = t.clock.now();
    const inDays = (days: number): Date => new Date(start.getTime() + days * 86_400_000);
    const mails = [
      { dedupeKey: "weekend-invite", subject: "Your invite" },
      { dedupeKey: "weekend-reset", subject: "Reset your password" },
      { dedupeKey: "weekend-weekly", subject: "Weekly digest", expiresAt: inDays(7) },
      { dedupeKey: "weekend-daily", subject: "Daily digest", expiresAt: inDays(1) },
    ];
    for (const mail of mails) await queueMail(t.ctx.db, { ...mail, to: "ops@example.com", text: "hi" }, start);

    let attempts = 0;
    // 80 simulated hours, the delivery job every 10 minutes.
    for (let minute = 0; minute <= 80 * 60; minute += 10) {
      const report = await runMailDelivery(
        { db: t.ctx.db, mailer, baseUrl: t.config.baseUrl },
        new Date(start.getTime() + minute * 60_000),
      );
      attempts += report.retried + report.held;
    }
    t.clock.set(new Date(start.getTime() + 80 * 3_600_000));
    const status = async (key: string) => (await listOutbox(t.ctx.db)).find((m) => m.dedupeKey === key);
    expect((await status("weekend-invite"))?.status).toBe("held");
    expect((await status("weekend-weekly"))?.status).toBe("held");
    // Backoff is capped at an hour: well over 72 tries per message, not 8.
    expect((await status("weekend-reset"))?.attempts).toBeGreaterThan(72);
    expect(attempts).toBeGreaterThan(3 * 72);
    const daily = await status("weekend-daily");
    expect(daily?.status).toBe("dropped");
    expect(daily?.lastError).toContain("period ended");

    // Admins hear about it in the portal, once per day.
    const inbox = await (await admin.get("/notifications")).text();
    expect(inbox).toContain("Mail is being held");
    const page = await (await admin.get("/admin/mail")).text();
    expect(page).toContain("Retry everything held");

    // SMTP comes back; one action retries everything held.
    const received: string[] = [];
    const server = await startSmtp(port, received);
    try {
      expect((await admin.post("/admin/mail/retry-held")).status).toBe(303);
      for (let i = 0; i < 3; i++) {
        await runMailDelivery({ db: t.ctx.db, mailer, baseUrl: t.config.baseUrl }, t.clock.now());
        t.clock.advance(3_600_000);
      }
      expect(received.sort()).toEqual(["Reset your password", "Weekly digest", "Your invite"]);
      expect((await status("weekend-daily"))?.status).toBe("dropped");
    } finally {
      mailer.close();
      await stop(server);
    }
  }, 120_000);

  it("lets only admins retry held mail", async () => {
    const member = await t.signedIn("member");
    expect((await member.post("/admin/mail/retry-held")).status).toBe(403);
  });
});
