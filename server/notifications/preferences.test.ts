import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { chatAccounts } from "../chat/schema.ts";
import { setDigestFrequency } from "../digest/preferences.ts";
import { mailOutbox } from "../mail/schema.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { notify } from "./notifications.ts";
import { channelsFor, notificationKinds, quietHoursEnd } from "./preferences.ts";
import { notificationPreferences, notifications, quietHours } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

describe("quiet hours", () => {
  const night = { starts: "22:00", ends: "07:00" };

  it("holds a message sent at 23:30 in Sydney until 07:00 the next morning there", () => {
    // 2026-03-02 23:30 in Sydney (UTC+11) is 12:30Z.
    expect(quietHoursEnd(night, "Australia/Sydney", new Date("2026-03-02T12:30:00Z"))?.toISOString()).toBe(
      "2026-03-02T20:00:00.000Z",
    );
  });

  it("holds a message sent at 05:00 until 07:00 the same morning", () => {
    expect(quietHoursEnd(night, "Europe/Berlin", new Date("2026-03-02T04:00:00Z"))?.toISOString()).toBe(
      "2026-03-02T06:00:00.000Z",
    );
  });

  it("does not hold at the minute quiet hours end, nor during the day", () => {
    expect(quietHoursEnd(night, "Europe/Berlin", new Date("2026-03-02T06:00:00Z"))).toBeNull();
    expect(quietHoursEnd(night, "Europe/Berlin", new Date("2026-03-02T12:00:00Z"))).toBeNull();
  });

  it("ends at 07:00 local on the night the clocks change (DST), not 24 hours later", () => {
    // New York springs forward on 2026-03-08: 23:00 EST on the 7th is 04:00Z on the 8th; 07:00 EDT is 11:00Z.
    expect(quietHoursEnd(night, "America/New_York", new Date("2026-03-08T04:00:00Z"))?.toISOString()).toBe(
      "2026-03-08T11:00:00.000Z",
    );
  });

  it("handles quiet hours inside one day (a lunch break)", () => {
    const lunch = { starts: "12:00", ends: "13:00" };
    expect(quietHoursEnd(lunch, "UTC", new Date("2026-03-02T12:15:00Z"))?.toISOString()).toBe(
      "2026-03-02T13:00:00.000Z",
    );
    expect(quietHoursEnd(lunch, "UTC", new Date("2026-03-02T13:15:00Z"))).toBeNull();
  });
});

describe("channelsFor", () => {
  it("defaults to portal and email, and adds chat only once a chat account is linked", async () => {
    const person = await t.person();
    const before = (await channelsFor(t.ctx.db, [person.id], "ask")).get(person.id);
    expect(before).toEqual({ portal: true, email: true, chat: false, holdUntil: null });
    await t.ctx.db.insert(chatAccounts).values({ personId: person.id, provider: "slack", userId: `U${Date.now()}` });
    expect((await channelsFor(t.ctx.db, [person.id], "ask")).get(person.id)?.chat).toBe(true);
  });

  it("turns the digest's email off with the digest frequency", async () => {
    const person = await t.person();
    expect((await channelsFor(t.ctx.db, [person.id], "digest")).get(person.id)?.email).toBe(true);
    await setDigestFrequency(t.ctx.db, person.id, "off", t.clock.now());
    expect((await channelsFor(t.ctx.db, [person.id], "digest")).get(person.id)).toEqual({
      portal: false,
      email: false,
      chat: false,
      holdUntil: null,
    });
  });
});

describe("the preferences page", () => {
  it("saves channels per kind and quiet hours, and every notification follows them", async () => {
    const member = await t.signedIn("member");
    const page = await member.get("/notifications/preferences");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('aria-label="An ask for you: Email"');
    expect(html).toContain("<legend>Quiet hours</legend>");
    // Everything on except email for mentions; quiet 22:00–07:00 in the person's zone (UTC in tests).
    const on = notificationKinds
      .filter((k) => k !== "digest")
      .flatMap((k) => ["portal", "email", "chat"].map((ch) => `${k}:${ch}`))
      .filter((v) => v !== "mention:email");
    const saved = await member.post("/notifications/preferences", {
      on,
      digest: "daily",
      quiet: "on",
      quietStarts: "22:00",
      quietEnds: "07:00",
    });
    expect(saved.status).toBe(303);
    const [row] = await t.ctx.db
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.personId, member.person.id))
      .then((rows) => rows.filter((r) => r.kind === "mention"));
    expect(row).toMatchObject({ portal: true, email: false });

    const context = { source: "test", baseUrl: "http://localhost:3000" };
    const id = member.person.id;
    await notify(t.ctx.db, { ...context, at: t.clock.now(), personId: id, kind: "mention", title: "Mentioned" });
    // 23:00 UTC: inside quiet hours, the email waits until 07:00.
    const late = new Date("2026-03-02T23:00:00Z");
    await notify(t.ctx.db, { ...context, at: late, personId: id, kind: "ask", title: "Asked late", dedupeKey: "q-1" });
    const mails = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, member.person.email));
    expect(mails.map((m) => m.subject)).toEqual(["Asked late"]);
    expect(mails[0]?.nextAttemptAt.toISOString()).toBe("2026-03-03T07:00:00.000Z");
    expect(await t.ctx.db.select().from(notifications).where(eq(notifications.personId, id))).toHaveLength(2);
    expect(await (await member.get("/notifications/preferences")).text()).toContain('value="22:00"');
  });

  it("turns the portal off for a kind: the notification is kept (so it stays once) but read", async () => {
    const member = await t.signedIn("member");
    expect((await member.post("/notifications/preferences", { on: ["ask:email"], digest: "weekly" })).status).toBe(303);
    await notify(t.ctx.db, {
      source: "test",
      baseUrl: "http://localhost:3000",
      at: t.clock.now(),
      personId: member.person.id,
      kind: "comment",
      title: "Quiet comment",
    });
    const [row] = await t.ctx.db.select().from(notifications).where(eq(notifications.personId, member.person.id));
    expect(row?.readAt).not.toBeNull();
    expect(await t.ctx.db.select().from(quietHours).where(eq(quietHours.personId, member.person.id))).toHaveLength(0);
  });

  it("refuses bad input with a 422 naming the problem and saves nothing", async () => {
    const member = await t.signedIn("member");
    const bad = await member.post("/notifications/preferences", {
      on: ["ask:pigeon"],
      digest: "weekly",
      quiet: "on",
      quietStarts: "25:00",
      quietEnds: "07:00",
    });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Choose channels from the list.");
    expect(html).toContain("A time such as 22:00.");
    expect(
      await t.ctx.db
        .select()
        .from(notificationPreferences)
        .where(eq(notificationPreferences.personId, member.person.id)),
    ).toHaveLength(0);
  });

  it("asks for sign-in", async () => {
    const response = await t.client().get("/notifications/preferences");
    expect(response.status).toBe(303);
  });
});
