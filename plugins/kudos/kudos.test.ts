import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "../../server/db/rows.ts";
import { mailOutbox } from "../../server/mail/schema.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { kudos } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["kudos"] });
});
afterAll(() => t.close());

describe("kudos plugin", () => {
  it("keeps its tables in its own Postgres schema", async () => {
    const list = rowsOf<{ table_schema: string }>(
      await t.ctx.db.execute(
        sql`select table_schema from information_schema.tables where table_name = 'kudos' and table_schema <> 'desktrust_migrations'`,
      ),
    );
    expect(list.map((r) => r.table_schema)).toEqual(["kudos"]);
  });

  it("gives kudos, stores the event with the change, and emails the recipient after commit", async () => {
    const giver = await t.signedIn("member");
    const recipient = await t.person({ name: "Rita Recipient" });
    const res = await giver.post("/kudos", { toId: recipient.id, message: "Thanks for the release notes" });
    expect(res.status).toBe(303);
    const [row] = await t.ctx.db.select().from(kudos).where(eq(kudos.toId, recipient.id));
    expect(row?.message).toBe("Thanks for the release notes");
    await t.ctx.events.dispatch();
    const mails = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, recipient.email));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toContain("sent you kudos");
    // A second dispatch delivers nothing new: the handler ran once.
    await t.ctx.events.dispatch();
    expect(await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, recipient.email))).toHaveLength(1);
  });

  it("rejects an empty message with 422 and stores nothing", async () => {
    const giver = await t.signedIn("member");
    const recipient = await t.person();
    const res = await giver.post("/kudos", { toId: recipient.id, message: " " });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Say what they did");
    expect(await t.ctx.db.select().from(kudos).where(eq(kudos.toId, recipient.id))).toHaveLength(0);
  });

  it("enforces the weekly limit from its settings", async () => {
    const admin = await t.signedIn("admin");
    const saved = await admin.post("/admin/plugins/kudos", {
      maxPerWeek: "1",
      retentionDays: "365",
      showOnDashboard: "on",
    });
    expect(saved.status).toBe(303);
    const giver = await t.signedIn("member");
    const recipient = await t.person();
    expect((await giver.post("/kudos", { toId: recipient.id, message: "first one" })).status).toBe(303);
    expect((await giver.post("/kudos", { toId: recipient.id, message: "second one" })).status).toBe(429);
    await admin.post("/admin/plugins/kudos", { maxPerWeek: "10", retentionDays: "365", showOnDashboard: "on" });
  });

  it("serves JSON under /api/kudos and shows its card and nav item", async () => {
    const member = await t.signedIn("member");
    const api = await member.get("/api/kudos");
    expect(api.status).toBe(200);
    expect(Array.isArray(((await api.json()) as { kudos: unknown[] }).kudos)).toBe(true);
    const home = await (await member.get("/")).text();
    expect(home).toContain("Recent kudos");
    expect(home).toContain('href="/kudos"');
  });

  it("puts received kudos in the recipient's digest", async () => {
    const recipient = await t.signedIn("member");
    const giver = await t.signedIn("member");
    await giver.post("/kudos", { toId: recipient.person.id, message: "Great demo on Friday" });
    t.clock.advance(60_000);
    const preview = await recipient.get("/digest/preview.html");
    expect(await preview.text()).toContain("Great demo on Friday");
  });

  it("prunes kudos older than the retention setting in its job", async () => {
    const a = await t.person();
    const b = await t.person();
    await t.ctx.db
      .insert(kudos)
      .values({ fromId: a.id, toId: b.id, message: "ancient", createdAt: new Date("2024-01-01T00:00:00Z") });
    const run = await t.ctx.scheduler.runNow("kudos.prune");
    expect(run.status).toBe("succeeded");
    expect(run.summary).toMatch(/^removed [1-9]/);
    expect(await t.ctx.db.select().from(kudos).where(eq(kudos.message, "ancient"))).toHaveLength(0);
  });
});
