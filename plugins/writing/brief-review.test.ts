import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { briefs } from "../briefs/schema.ts";
import { pairs, reviews } from "./schema.ts";
import { makeTeam } from "./test-support.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["briefs", "writing"] });
});
afterAll(() => t.close());

describe("draft review from the brief editor", () => {
  it("offers the review on a draft brief and sends the saved draft to the partner only", async () => {
    const author = await t.signedIn("member");
    const partner = await t.signedIn("member");
    const teammate = await t.signedIn("member");
    const teamId = await makeTeam(t, [{ person: author.person }, { person: teammate.person }]);
    await t.ctx.db.insert(pairs).values({
      quarter: "2026-Q1",
      writerId: author.person.id,
      partnerId: partner.person.id,
      proposedBy: author.person.id,
      status: "active",
      writerAccepted: true,
      partnerAccepted: true,
      createdAt: t.clock.now(),
    });
    const created = await author.post("/briefs", {
      title: "Search rewrite",
      teamId,
      body: "## Bottom line\n\nWe rewrite search in Q2. Approve the budget by Friday.",
    });
    expect(created.status).toBe(303);
    const [brief] = await t.ctx.db.select().from(briefs).where(eq(briefs.authorId, author.person.id));
    const editor = await (await author.get(`/briefs/${brief?.id}/edit`)).text();
    expect(editor).toContain("Ask my writing partner to review");
    expect(editor).toContain(`name="ref" value="${brief?.id}"`);

    const sent = await author.post("/writing/reviews", {
      editor: "brief",
      ref: brief?.id as string,
      teamId,
      link: `/briefs/${brief?.id}/edit`,
      text: brief?.body as string,
    });
    expect(sent.status).toBe(303);
    const [review] = await t.ctx.db
      .select()
      .from(reviews)
      .where(eq(reviews.ref, brief?.id as string));
    expect(await (await partner.get(`/writing/reviews/${review?.id}`)).text()).toContain("We rewrite search in Q2.");
    expect((await teammate.get(`/writing/reviews/${review?.id}`)).status).toBe(404);
    expect((await teammate.get(`/briefs/${brief?.id}`)).status).toBe(403);
    // The partner's view shows up for the author beside the brief editor.
    expect(await (await author.get(`/briefs/${brief?.id}/edit`)).text()).toContain("Sent for review");
  });
});
