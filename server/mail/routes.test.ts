import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { auditLog } from "../org/schema.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { queueMail } from "./outbox.ts";
import { mailOutbox } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

async function queued(key: string, subject: string, minutesAgo = 0): Promise<string> {
  const at = new Date(t.clock.now().getTime() - minutesAgo * 60_000);
  await queueMail(t.ctx.db, { dedupeKey: key, to: `${key}@example.com`, subject, text: `Body of ${subject}` }, at);
  const [row] = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.dedupeKey, key));
  return row?.id as string;
}

describe("the mail admin page", () => {
  it("is for admins only", async () => {
    const id = await queued("private", "Private message");
    for (const role of ["member", "manager"] as const) {
      const someone = await t.signedIn(role);
      expect((await someone.get("/admin/mail")).status).toBe(403);
      expect((await someone.get(`/admin/mail/${id}`)).status).toBe(403);
      expect((await someone.post(`/admin/mail/${id}/retry`)).status).toBe(403);
    }
    await t.ctx.db.delete(mailOutbox);
  });

  it("explains the empty outbox and that, without SMTP, it is the mailbox", async () => {
    const admin = await t.signedIn("admin");
    const html = await (await admin.get("/admin/mail")).text();
    expect(html).toContain("The outbox is empty.");
    expect(html).toContain("the outbox is the mailbox");
    expect(html).toContain("No SMTP server is configured");
  });

  it("lists messages newest first, filters by status and shows one message", async () => {
    const admin = await t.signedIn("admin");
    const older = await queued("older", "Older message", 10);
    const newer = await queued("newer", "Newer <message>", 1);
    await t.ctx.db
      .update(mailOutbox)
      .set({ status: "failed", attempts: 8, lastError: "550 mailbox unavailable" })
      .where(eq(mailOutbox.id, older));

    const all = await (await admin.get("/admin/mail")).text();
    expect(all.indexOf("Newer &lt;message&gt;")).toBeGreaterThan(-1);
    expect(all.indexOf("Newer &lt;message&gt;")).toBeLessThan(all.indexOf("Older message"));
    expect(all).toContain("550 mailbox unavailable");

    const failed = await (await admin.get("/admin/mail?status=failed")).text();
    expect(failed).toContain("Older message");
    expect(failed).not.toContain("Newer &lt;message&gt;");
    expect((await admin.get("/admin/mail?status=lost")).status).toBe(400);

    const detail = await admin.get(`/admin/mail/${newer}`);
    expect(detail.status).toBe(200);
    const html = await detail.text();
    expect(html).toContain('<pre class="mail">Body of Newer &lt;message&gt;</pre>');
    expect(html).toContain("newer@example.com");
    expect(html).not.toContain("Retry now");
    expect((await admin.get("/admin/mail/not-a-uuid")).status).toBe(404);
    expect((await admin.get("/admin/mail/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("retries a failed message and records who did it; other messages cannot be retried", async () => {
    const admin = await t.signedIn("admin");
    const id = await queued("will-fail", "Will fail");
    await t.ctx.db.update(mailOutbox).set({ status: "failed", attempts: 8 }).where(eq(mailOutbox.id, id));
    expect(await (await admin.get(`/admin/mail/${id}`)).text()).toContain("Retry now");

    const res = await admin.post(`/admin/mail/${id}/retry`);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/mail/${id}`);
    const [row] = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
    expect(row?.status).toBe("queued");
    expect(row?.attempts).toBe(0);
    const [entry] = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, "mail.retried"));
    expect(entry?.actorId).toBe(admin.person.id);

    expect((await admin.post(`/admin/mail/${id}/retry`)).status).toBe(409);
    expect((await admin.post("/admin/mail/00000000-0000-4000-8000-000000000000/retry")).status).toBe(404);
  });
});
