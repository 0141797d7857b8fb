import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { smtpMailer } from "../../server/mail/mailer.ts";
import { mailOutbox } from "../../server/mail/schema.ts";
import { notifications } from "../../server/notifications/schema.ts";
import type { Person } from "../../server/people/people.ts";
import { teamMembers, teams } from "../../server/people/schema.ts";
import { mailHeader, startSmtpServer, type TestSmtpServer } from "../../server/testing/smtp.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { updates } from "./schema.ts";

// The daily loop: whoever an ask, an answer, a comment or a mention is for hears about it at
// once, in the portal and by email, exactly once.
let smtp: TestSmtpServer;
let t: TestApp;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await testApp({
    plugins: ["status-updates", "sla"],
    now: "2026-03-06T16:00:00Z",
    mailer: smtpMailer(`smtp://127.0.0.1:${smtp.port}`, "DeskTrust <desktrust@example.com>"),
  });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const handle = (p: Person): string => p.email.split("@")[0] as string;

async function team(people: Person[]): Promise<string> {
  const [row] = await t.ctx.db
    .insert(teams)
    .values({ name: `Loop ${crypto.randomUUID().slice(0, 8)}`, timeZone: "UTC" })
    .returning();
  const id = (row as { id: string }).id;
  await t.ctx.db.insert(teamMembers).values(people.map((p) => ({ teamId: id, personId: p.id, isManager: false })));
  return id;
}

/** Runs everything that happens after a request: event handlers, then mail delivery — twice, as a retry would. */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await t.ctx.events.dispatch();
    await t.ctx.scheduler.runNow("core.mail-delivery");
  }
}

const portal = (p: Person) =>
  t.ctx.db
    .select({ title: notifications.title })
    .from(notifications)
    .where(eq(notifications.personId, p.id))
    .then((rows) => rows.map((r) => r.title));
const mailed = (p: Person): string[] =>
  smtp.received.filter((m) => m.to.includes(p.email)).map((m) => mailHeader(m.raw, "Subject") ?? "");

describe("daily-loop notifications", () => {
  it("tells an ask's addressee at once, and the asker when it is answered, each once", async () => {
    const manager = await t.signedIn("member");
    const ivo = await t.signedIn("member");
    const teamId = await team([manager.person, ivo.person]);
    const posted = await manager.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": "Checkout v2 ships Friday.",
      "q-ask": `@${handle(ivo.person)} approve the rollout plan by Thursday.`,
    });
    expect(posted.status).toBe(303);
    await settle();
    const asked = `${manager.person.name} asks you: @${handle(ivo.person)} approve the rollout plan by Thursday.`;
    expect(await portal(ivo.person)).toEqual([asked]);
    expect(mailed(ivo.person)).toEqual([asked]);
    expect((await ivo.get("/")).status).toBe(200);
    expect(await (await ivo.get("/")).text()).toContain("1 unread notification");

    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, manager.person.id));
    await ivo.post(`/status-updates/updates/${update?.id}/comments`, { body: "Approved." });
    await ivo.post(`/status-updates/updates/${update?.id}/comments`, { body: "One more detail." });
    await settle();
    const answeredTitle = `${ivo.person.name} answered your ask`;
    const commented = `${ivo.person.name} commented on your update`;
    expect((await portal(manager.person)).sort()).toEqual([answeredTitle, commented].sort());
    expect(mailed(manager.person).sort()).toEqual([answeredTitle, commented].sort());
    // Nothing went to the commenter about their own comments.
    expect(await portal(ivo.person)).toEqual([asked]);
  });

  it("tells an author about comments on their update, but not about their own", async () => {
    const author = await t.signedIn("member");
    const reader = await t.signedIn("member");
    const teamId = await team([author.person, reader.person]);
    await author.post("/status-updates/updates", { teamId, "q-bottom-line": "Search is live." });
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    await author.post(`/status-updates/updates/${update?.id}/comments`, { body: "Notes on rollout below." });
    await reader.post(`/status-updates/updates/${update?.id}/comments`, { body: "Nice work." });
    await settle();
    expect(await portal(author.person)).toEqual([`${reader.person.name} commented on your update`]);
    expect(mailed(author.person)).toEqual([`${reader.person.name} commented on your update`]);
  });

  it("tells people @mentioned in a comment or in an update, once each", async () => {
    const author = await t.signedIn("member");
    const mia = await t.person({ name: "Mia Mentioned" });
    const ole = await t.person({ name: "Ole Onlooker" });
    const outsider = await t.person({ name: "Otto Outsider" });
    const teamId = await team([author.person, mia, ole]);
    await author.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": `Search is live, thanks to @${handle(ole)} and @${handle(outsider)}.`,
    });
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    await author.post(`/status-updates/updates/${update?.id}/comments`, {
      body: `@${handle(mia)} @${handle(outsider)} FYI`,
    });
    // An edit that keeps the mention does not notify again.
    await author.post(`/status-updates/updates/${update?.id}/edit`, {
      "q-bottom-line": `Search is live, thanks to @${handle(ole)} and the team.`,
    });
    await settle();
    expect(await portal(mia)).toEqual([`${author.person.name} mentioned you in a comment`]);
    expect(mailed(mia)).toEqual([`${author.person.name} mentioned you in a comment`]);
    expect(await portal(ole)).toEqual([`${author.person.name} mentioned you in their update`]);
    expect(mailed(ole)).toEqual([`${author.person.name} mentioned you in their update`]);
    // Someone not on the team cannot read the update, so a mention shows them none of it.
    expect(await portal(outsider)).toEqual([]);
    expect(mailed(outsider)).toEqual([]);
    // Every message went through the outbox, once.
    const queued = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, ole.email));
    expect(queued.map((m) => m.status)).toEqual(["sent"]);
  });
});
