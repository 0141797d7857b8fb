import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "../../server/db/rows.ts";
import { dashboardOf } from "../../server/testing/dashboard.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { weeklyOverlapHours } from "./overlap.ts";
import { pairs } from "./schema.ts";
import { makeTeam } from "./test-support.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["writing"] });
});
afterAll(() => t.close());

const nineToFive = {
  mon: [["09:00", "17:00"]],
  tue: [["09:00", "17:00"]],
  wed: [["09:00", "17:00"]],
  thu: [["09:00", "17:00"]],
  fri: [["09:00", "17:00"]],
} as Record<string, [string, string][]>;

describe("writing plugin skeleton", () => {
  it("keeps its tables in its own Postgres schema", async () => {
    const list = rowsOf<{ table_schema: string }>(
      await t.ctx.db.execute(
        sql`select distinct table_schema from information_schema.tables where table_name = 'pairs'`,
      ),
    );
    expect(list.map((r) => r.table_schema)).toEqual(["writing"]);
  });

  it("shows the writing page and a home card to members, and sends visitors to log in", async () => {
    const member = await t.signedIn("member");
    const page = await member.get("/writing");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Your pair");
    expect(await dashboardOf(member)).toContain("Your writing");
    expect((await t.client().get("/writing")).status).toBe(303);
  });
});

describe("time-zone overlap of working hours", () => {
  it("counts the hours both people are at work in the same week", () => {
    const monday = Temporal.PlainDate.from("2026-03-02");
    const london = { timeZone: "Europe/London", workingHours: nineToFive };
    const berlin = { timeZone: "Europe/Berlin", workingHours: nineToFive };
    const sydney = { timeZone: "Australia/Sydney", workingHours: nineToFive };
    // Berlin is one hour ahead of London in March before DST: 7 h a day, 5 days.
    expect(weeklyOverlapHours(london, berlin, monday)).toBe(35);
    // Sydney (UTC+11) 09–17 is London 22–06: no overlap at all.
    expect(weeklyOverlapHours(london, sydney, monday)).toBe(0);
  });
});

describe("writing pairs", () => {
  it("pairs two people who opted in once both accept, visible to them and their managers only", async () => {
    const writer = await t.signedIn("member");
    const partner = await t.signedIn("member");
    const manager = await t.signedIn("manager");
    const stranger = await t.signedIn("member");
    const admin = await t.signedIn("admin");
    await makeTeam(t, [{ person: writer.person }, { person: manager.person, manager: true }]);
    await makeTeam(t, [{ person: partner.person }]); // another team: cross-team pairs are fine
    expect((await writer.post("/writing/opt-ins", { form: "opt-ins", wantsFeedback: "on" })).status).toBe(303);
    expect((await partner.post("/writing/opt-ins", { form: "opt-ins", offersReviews: "on" })).status).toBe(303);

    const proposed = await manager.post("/writing/pairs", {
      quarter: "2026-Q1",
      writerId: writer.person.id,
      partnerId: partner.person.id,
    });
    expect(proposed.status).toBe(303);
    const [pair] = await t.ctx.db.select().from(pairs).where(eq(pairs.writerId, writer.person.id));
    expect(pair?.status).toBe("proposed");

    expect((await writer.post(`/writing/pairs/${pair?.id}/accept`)).status).toBe(303);
    expect((await stranger.post(`/writing/pairs/${pair?.id}/accept`)).status).toBe(404);
    expect((await manager.post(`/writing/pairs/${pair?.id}/accept`)).status).toBe(403);
    expect((await partner.post(`/writing/pairs/${pair?.id}/accept`)).status).toBe(303);
    const [active] = await t.ctx.db
      .select()
      .from(pairs)
      .where(eq(pairs.id, pair?.id as string));
    expect(active?.status).toBe("active");

    // The proposal form lists everyone who opted in; the pair list is what must stay private.
    const seen = async (c: typeof writer): Promise<boolean> =>
      (await (await c.get("/writing/pairs")).text()).includes(`<strong>${writer.person.name}</strong> writes`);
    expect(await seen(writer)).toBe(true);
    expect(await seen(partner)).toBe(true);
    expect(await seen(manager)).toBe(true);
    expect(await seen(stranger)).toBe(false);
    expect(await seen(admin)).toBe(false);
  });

  it("refuses a pair someone did not opt in to, with 422 naming the field, and stores nothing", async () => {
    const manager = await t.signedIn("manager");
    const writer = await t.person();
    const partner = await t.person();
    await makeTeam(t, [{ person: writer }, { person: partner }, { person: manager.person, manager: true }]);
    const res = await manager.post("/writing/pairs", {
      quarter: "2026-Q1",
      writerId: writer.id,
      partnerId: partner.id,
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("has not opted in to feedback");
    const bad = await manager.post("/writing/pairs", {
      quarter: "someday",
      writerId: writer.id,
      partnerId: partner.id,
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("2026-Q2");
    expect(await t.ctx.db.select().from(pairs).where(eq(pairs.writerId, writer.id))).toHaveLength(0);
  });

  it("lets a member propose only pairs they are in", async () => {
    const member = await t.signedIn("member");
    const a = await t.signedIn("member");
    const b = await t.signedIn("member");
    await a.post("/writing/opt-ins", { form: "opt-ins", wantsFeedback: "on" });
    await b.post("/writing/opt-ins", { form: "opt-ins", offersReviews: "on" });
    const res = await member.post("/writing/pairs", {
      quarter: "2026-Q1",
      writerId: a.person.id,
      partnerId: b.person.id,
    });
    expect(res.status).toBe(403);
    const own = await a.post("/writing/pairs", { quarter: "2026-Q1", writerId: a.person.id, partnerId: b.person.id });
    expect(own.status).toBe(303);
    const [pair] = await t.ctx.db.select().from(pairs).where(eq(pairs.writerId, a.person.id));
    expect(pair?.writerAccepted).toBe(true);
    expect(pair?.partnerAccepted).toBe(false);
    expect((await b.post(`/writing/pairs/${pair?.id}/decline`)).status).toBe(303);
    const [declined] = await t.ctx.db
      .select()
      .from(pairs)
      .where(eq(pairs.id, pair?.id as string));
    expect(declined?.status).toBe("declined");
  });
});
