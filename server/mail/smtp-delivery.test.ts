import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { type ReceivedMail, startSmtpServer, type TestSmtpServer } from "../testing/smtp.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { type Mailer, smtpMailer } from "./mailer.ts";
import { deliverDue, queueMail } from "./outbox.ts";
import { mailOutbox } from "./schema.ts";

/** The message body with quoted-printable soft breaks and escapes undone. */
function decodedBody(raw: string): string {
  const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
  return body
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const header = (raw: string, name: string): string | undefined =>
  raw.match(new RegExp(`^${name}: (.*)$`, "mi"))?.[1]?.trim();

let t: TestApp;
let smtp: TestSmtpServer;
let mailer: Mailer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  mailer = smtpMailer(`smtp://127.0.0.1:${smtp.port}`, "DeskTrust <desktrust@example.com>");
  t = await testApp({ mailer });
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
});

describe("delivering mail over SMTP", () => {
  it("delivers a password-reset email once, with a link that works", async () => {
    const person = await t.person({ name: "Mail Reader" });
    expect((await t.client().post("/forgot-password", { email: person.email })).status).toBe(200);

    const report = await deliverDue(t.ctx.db, mailer, t.clock.now());
    expect(report).toEqual({ sent: 1, retried: 0, held: 0, dropped: 0 });
    expect(smtp.received).toHaveLength(1);
    const message = smtp.received[0] as ReceivedMail;
    expect(message.to).toEqual([person.email]);
    expect(message.from).toBe("desktrust@example.com");
    expect(header(message.raw, "To")).toBe(person.email);
    expect(header(message.raw, "Subject")).toBe("Reset your DeskTrust password");

    const link = decodedBody(message.raw).match(/http:\/\/localhost:3000(\/reset-password\/[a-z0-9]+)/)?.[1];
    expect(link).toBeDefined();
    const browser = t.client();
    expect((await browser.get(link as string)).status).toBe(200);
    expect((await browser.post(link as string, { password: "chosen over smtp" })).status).toBe(303);
    expect((await t.client().post("/login", { email: person.email, password: "chosen over smtp" })).status).toBe(303);

    // A second run finds nothing due: the message is not sent again.
    expect(await deliverDue(t.ctx.db, mailer, t.clock.now())).toEqual({ sent: 0, retried: 0, held: 0, dropped: 0 });
    expect(smtp.received).toHaveLength(1);
    const [row] = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, person.email));
    expect(row?.status).toBe("sent");
  });

  it("sends one message when the same dedupe key is queued twice", async () => {
    const before = smtp.received.length;
    const mail = { dedupeKey: "digest:someone:2026-W10", to: "twice@example.com", subject: "Weekly", text: "Hi" };
    expect(await queueMail(t.ctx.db, mail, t.clock.now())).toBe(true);
    expect(await queueMail(t.ctx.db, { ...mail, subject: "Weekly again" }, t.clock.now())).toBe(false);
    await deliverDue(t.ctx.db, mailer, t.clock.now());
    const delivered = smtp.received.slice(before);
    expect(delivered).toHaveLength(1);
    expect(header(delivered[0]?.raw ?? "", "Subject")).toBe("Weekly");
  });

  it("delivers attachments stored with the message (an .ics invitation)", async () => {
    const before = smtp.received.length;
    const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
    await queueMail(
      t.ctx.db,
      {
        dedupeKey: "attachment:1",
        to: "invitee@example.com",
        subject: "Workshop",
        text: "See the invitation.",
        attachments: [{ filename: "workshop.ics", contentType: "text/calendar; method=REQUEST", content: ics }],
      },
      t.clock.now(),
    );
    await deliverDue(t.ctx.db, mailer, t.clock.now());
    const raw = smtp.received.slice(before)[0]?.raw ?? "";
    expect(raw).toMatch(/Content-Type: text\/calendar; method=REQUEST; name=workshop\.ics/i);
    expect(raw).toMatch(/filename=workshop\.ics/);
    const part = raw.split(/filename=workshop\.ics\r\n\r\n/)[1]?.split("\r\n--")[0] ?? "";
    expect(Buffer.from(part.replace(/\r\n/g, ""), "base64").toString("utf8")).toBe(ics);
  });

  it("masks reset links in the admin outbox once SMTP delivers them, and drops the no-SMTP banner", async () => {
    const person = await t.person();
    await t.client().post("/forgot-password", { email: person.email });
    const [row] = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, person.email));
    const admin = await t.signedIn("admin");
    const html = await (await admin.get(`/admin/mail/${row?.id}`)).text();
    expect(html).toContain("/reset-password/[hidden: sent only to the recipient]");
    expect(html).not.toMatch(/reset-password\/[a-z0-9]{20,}/);
    expect(await (await admin.get("/admin/mail")).text()).not.toContain("No SMTP server is configured");
  });
});
