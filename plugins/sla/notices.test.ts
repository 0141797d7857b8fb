import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { smtpMailer } from "../../server/mail/mailer.ts";
import { notifications } from "../../server/notifications/schema.ts";
import { teamMembers, teams } from "../../server/plugin-api.ts";
import { mailHeader, startSmtpServer, type TestSmtpServer } from "../../server/testing/smtp.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { createWebhookToken } from "./webhook-tokens.ts";

// A review request from a git host reaches its reviewer at once, in the portal and by email, once.
let smtp: TestSmtpServer;
let t: TestApp;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await testApp({
    plugins: ["sla"],
    mailer: smtpMailer(`smtp://127.0.0.1:${smtp.port}`, "DeskTrust <desktrust@example.com>"),
  });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe("webhook review requests", () => {
  it("notify the reviewer once, however often the git host retries", async () => {
    const [row] = await t.ctx.db.insert(teams).values({ name: "Git", timeZone: "UTC" }).returning();
    const teamId = (row as { id: string }).id;
    const reviewer = await t.person();
    const author = await t.person();
    await t.ctx.db.insert(teamMembers).values([
      { teamId, personId: reviewer.id, isManager: false },
      { teamId, personId: author.id, isManager: false },
    ]);
    const { token } = await createWebhookToken(t.ctx.db, {
      teamId,
      name: "Git",
      actorId: author.id,
      at: t.clock.now(),
    });
    const request = {
      externalId: "pr-7",
      team: teamId,
      workType: "review request",
      addressees: [reviewer.email],
      asker: author.email,
      title: "Retry logic",
      link: "https://git.example.com/pulls/7",
    };
    for (const expected of [201, 200]) {
      const res = await t.client().request("/api/sla/asks", {
        method: "POST",
        body: JSON.stringify(request),
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(expected);
    }
    await t.ctx.scheduler.runNow("core.mail-delivery");
    await t.ctx.scheduler.runNow("core.mail-delivery");
    const portal = await t.ctx.db.select().from(notifications).where(eq(notifications.personId, reviewer.id));
    expect(portal.map((n) => n.title)).toEqual(["Review requested: Retry logic"]);
    const mails = smtp.received.filter((m) => m.to.includes(reviewer.email));
    expect(mails.map((m) => mailHeader(m.raw, "Subject"))).toEqual(["Review requested: Retry logic"]);
    expect(mails[0]?.raw).toContain("https://git.example.com/pulls/7");
    expect(smtp.received.filter((m) => m.to.includes(author.email))).toHaveLength(0);
  });
});
