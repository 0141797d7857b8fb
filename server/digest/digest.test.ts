import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { kudos } from "../../plugins/kudos/schema.ts";
import { mailOutbox } from "../mail/schema.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { sendDueDigests } from "./digest.tsx";
import { digestFrequency } from "./preferences.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["kudos"], now: "2026-03-01T12:00:00Z" });
});
afterAll(() => t.close());

async function digestsFor(email: string) {
  return t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, email));
}

describe("weekly digest", () => {
  it("is queued once, at Monday 08:00 in the person's own zone, with sections, text, HTML and one-click unsubscribe", async () => {
    const tokyo = await t.person({ timeZone: "Asia/Tokyo", name: "Kenji" });
    const giver = await t.person({ name: "Giver" });
    await t.ctx.db.insert(kudos).values({
      fromId: giver.id,
      toId: tokyo.id,
      message: "Thanks for the handover notes",
      createdAt: new Date("2026-02-27T10:00:00Z"),
    });
    // Sunday 22:59 UTC is Monday 07:59 in Tokyo: not yet.
    await sendDueDigests(t.ctx, new Date("2026-03-01T22:59:00Z"));
    expect(await digestsFor(tokyo.email)).toHaveLength(0);
    // 23:00 UTC is Monday 08:00 in Tokyo.
    await sendDueDigests(t.ctx, new Date("2026-03-01T23:00:00Z"));
    await sendDueDigests(t.ctx, new Date("2026-03-01T23:15:00Z"));
    const [mail, ...rest] = await digestsFor(tokyo.email);
    expect(rest).toHaveLength(0);
    expect(mail?.subject).toContain("Test Org digest");
    expect(mail?.text).toContain("Thanks for the handover notes");
    expect(mail?.html).toContain("Kudos you received");
    expect(mail?.html).toContain('style="');
    expect(mail?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail?.headers["List-Unsubscribe"]).toMatch(
      /^<http:\/\/localhost:3000\/unsubscribe\/[0-9a-f-]{36}\.[\w-]+>$/,
    );
  });

  it("sends nothing when every section is empty", async () => {
    const quiet = await t.person({ timeZone: "UTC" });
    const report = await sendDueDigests(t.ctx, new Date("2026-03-02T08:05:00Z"));
    expect(report.empty).toBeGreaterThan(0);
    expect(await digestsFor(quiet.email)).toHaveLength(0);
  });

  it("leaves out sections of a disabled plugin, and brings them back when re-enabled", async () => {
    const admin = await t.signedIn("admin");
    const person = await t.signedIn("member");
    const giver = await t.person();
    await t.ctx.db
      .insert(kudos)
      .values({ fromId: giver.id, toId: person.person.id, message: "Nice fix", createdAt: t.clock.now() });
    t.clock.advance(60_000);
    expect(await (await person.get("/digest/preview.html")).text()).toContain("Nice fix");
    await admin.post("/admin/plugins/kudos/toggle", { enabled: "false" });
    expect(await (await person.get("/digest/preview.html")).text()).not.toContain("Nice fix");
    expect((await person.get("/kudos")).status).toBe(404);
    expect(await (await person.get("/")).text()).not.toContain('href="/kudos"');
    expect((await t.ctx.scheduler.tick(new Date("2026-03-03T02:30:05Z"))).ran).not.toContain("kudos.prune");
    await admin.post("/admin/plugins/kudos/toggle", { enabled: "true" });
    expect((await person.get("/kudos")).status).toBe(200);
    expect(await (await person.get("/digest/preview.html")).text()).toContain("Nice fix");
    // The data was kept while it was off.
    expect(await t.ctx.db.select().from(kudos).where(eq(kudos.message, "Nice fix"))).toHaveLength(1);
  });
});

describe("unsubscribe", () => {
  it("works with the signed token and no session (RFC 8058 one-click POST, no Origin)", async () => {
    const person = await t.person();
    const token = (await import("./unsubscribe-token.ts")).unsubscribeToken;
    const url = `/unsubscribe/${await token(t.ctx, person.id)}`;
    const res = await t.app.request(`http://localhost:3000${url}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(await digestFrequency(t.ctx.db, person.id)).toBe("off");
  });

  it("refuses a forged token and changes nothing", async () => {
    const person = await t.person();
    const res = await t.client().post(`/unsubscribe/${person.id}.forged`);
    expect(res.status).toBe(404);
    expect(await digestFrequency(t.ctx.db, person.id)).toBe("weekly");
  });

  it("lets a person choose daily, weekly or off and validates the choice", async () => {
    const member = await t.signedIn("member");
    expect((await member.post("/digest/preferences", { frequency: "daily" })).status).toBe(303);
    expect(await digestFrequency(t.ctx.db, member.person.id)).toBe("daily");
    expect((await member.post("/digest/preferences", { frequency: "hourly" })).status).toBe(422);
    expect(await digestFrequency(t.ctx.db, member.person.id)).toBe("daily");
  });
});

describe("plugin settings form", () => {
  it("is generated from the schema, and invalid values get 422 with field errors and are not saved", async () => {
    const admin = await t.signedIn("admin");
    const form = await (await admin.get("/admin/plugins/kudos")).text();
    expect(form).toContain('name="maxPerWeek"');
    expect(form).toContain("How many kudos one person may give in seven days.");
    const bad = await admin.post("/admin/plugins/kudos", { maxPerWeek: "0", retentionDays: "abc" });
    expect(bad.status).toBe(422);
    expect(t.ctx.plugins.settingsOf<{ maxPerWeek: number }>("kudos").maxPerWeek).toBe(10);
    const member = await t.signedIn("member");
    expect((await member.post("/admin/plugins/kudos", { maxPerWeek: "5" })).status).toBe(403);
  });
});
