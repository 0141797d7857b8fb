import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { smtpMailer } from "../../server/mail/mailer.ts";
import { notifications } from "../../server/notifications/schema.ts";
import type { Person } from "../../server/people/people.ts";
import { teams } from "../../server/people/schema.ts";
import { mailHeader, startSmtpServer, type TestSmtpServer } from "../../server/testing/smtp.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";

// A review request reaches each reviewer at once, and the author hears when a reviewer answers:
// in the portal and by email (a real SMTP server), exactly once.
let smtp: TestSmtpServer;
let t: TestApp;
let teamId: string;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await testApp({
    plugins: ["briefs", "sla"],
    mailer: smtpMailer(`smtp://127.0.0.1:${smtp.port}`, "DeskTrust <desktrust@example.com>"),
  });
  const [team] = await t.ctx.db.insert(teams).values({ name: "Reviews", timeZone: "UTC" }).returning();
  teamId = (team as { id: string }).id;
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await t.ctx.events.dispatch();
    await t.ctx.scheduler.runNow("core.mail-delivery");
  }
}

const portal = async (p: Person): Promise<string[]> =>
  (await t.ctx.db.select().from(notifications).where(eq(notifications.personId, p.id))).map((n) => n.title);
const mailed = (p: Person): string[] =>
  smtp.received.filter((m) => m.to.includes(p.email)).map((m) => mailHeader(m.raw, "Subject") ?? "");

describe("brief review notifications", () => {
  it("asks each reviewer once and tells the author once per reviewer who comments", async () => {
    const author = await t.signedIn("member");
    const reviewer = await t.signedIn("member");
    const draft = await author.post("/briefs", {
      title: "Written kickoffs",
      teamId,
      body: "**Bottom line:** adopt written kickoffs.\n\nKickoff meetings take an hour of eight people.",
    });
    const id = /([0-9a-f-]{36})/.exec(draft.headers.get("Location") ?? "")?.[1] as string;
    expect(
      (
        await author.post(`/briefs/${id}/send`, {
          reviewerIds: reviewer.person.id,
          commentDeadline: "2026-03-05T17:00",
        })
      ).status,
    ).toBe(303);
    await settle();
    const asked = `${author.person.name} asks for your review: Written kickoffs`;
    expect(await portal(reviewer.person)).toEqual([asked]);
    expect(mailed(reviewer.person)).toEqual([asked]);

    const page = await (await reviewer.get(`/briefs/${id}`)).text();
    const hash = /name="paragraphHash" value="([^"]+)"/.exec(page)?.[1] as string;
    for (const body of ["Agreed.", "One more thought."]) {
      const res = await reviewer.post(`/briefs/${id}/comments`, { paragraph: "0", paragraphHash: hash, body });
      expect(res.status).toBe(303);
    }
    await settle();
    const reviewed = `${reviewer.person.name} reviewed your brief: Written kickoffs`;
    expect(await portal(author.person)).toEqual([reviewed]);
    expect(mailed(author.person)).toEqual([reviewed]);
  });
});
