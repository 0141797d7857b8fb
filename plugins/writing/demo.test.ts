import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { type TestApp, type TestClient, testApp } from "../../server/testing/test-app.ts";
import { invitations, pairs, reviews, workshops } from "./schema.ts";

describe("writing demo data", () => {
  let t: TestApp;
  let owner: TestClient;
  beforeAll(async () => {
    t = await testApp({ plugins: ["status-updates", "sla", "writing"], setup: false });
    owner = await t.loadDemo();
  });
  afterAll(() => t.close());

  it("has pairs, a reviewed draft with a suggestion, and a past workshop with attendance and pledges", async () => {
    const all = await t.ctx.db.select().from(pairs);
    expect(all.some((p) => p.status === "active")).toBe(true);
    const [review] = await t.ctx.db.select().from(reviews).where(eq(reviews.status, "reviewed"));
    expect(review?.suggestedBottomLine).toContain("on track");
    const [workshop] = await t.ctx.db.select().from(workshops);
    expect(workshop && workshop.startsAt < t.clock.now()).toBe(true);
    const invited = await t.ctx.db
      .select()
      .from(invitations)
      .where(eq(invitations.workshopId, workshop?.id as string));
    expect(invited.some((i) => i.attended)).toBe(true);
    expect(invited.some((i) => i.pledge)).toBe(true);
    // The owner is invited, so the workshop page shows the pledges and the example.
    const page = await (await owner.get(`/writing/workshops/${workshop?.id}`)).text();
    expect(page).toContain("Put the ask in my first sentence");
    expect(page).toContain("Before:");
  });
});
