import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import type { Person } from "../../server/people/people.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { clocks } from "../sla/schema.ts";
import { pairs, reviews } from "./schema.ts";
import { makeTeam } from "./test-support.ts";

let t: TestApp;
beforeAll(async () => {
  // Monday 2026-03-02 09:00 UTC, inside the default business hours.
  t = await testApp({ plugins: ["status-updates", "sla", "writing"] });
});
afterAll(() => t.close());

async function pairUp(writer: Person, partner: Person): Promise<string> {
  const [pair] = await t.ctx.db
    .insert(pairs)
    .values({
      quarter: "2026-Q1",
      writerId: writer.id,
      partnerId: partner.id,
      proposedBy: writer.id,
      status: "active",
      writerAccepted: true,
      partnerAccepted: true,
      createdAt: t.clock.now(),
    })
    .returning();
  return (pair as { id: string }).id;
}

const draftText =
  "## Bottom line\n\nThe zeppelin launch is blocked on legal review.\n\n## Progress\n\nWe wrote the terms. We sent them to legal.";

describe("draft review before posting", () => {
  it("sends the draft to the partner only, runs a review clock from the charter, and stops it at the first comment", async () => {
    const writer = await t.signedIn("member");
    const partner = await t.signedIn("member");
    const teammate = await t.signedIn("member");
    const teamId = await makeTeam(t, [
      { person: writer.person },
      { person: partner.person },
      { person: teammate.person },
    ]);
    await pairUp(writer.person, partner.person);

    const composer = await (await writer.get(`/status-updates/write?team=${teamId}`)).text();
    expect(composer).toContain("Write a draft, then ask your writing partner");
    // The live-lint fragment carries the panel with the draft as typed.
    const lint = await (
      await writer.post("/status-updates/lint", {
        teamId,
        "q-bottom-line": "The zeppelin launch is blocked on legal review.",
      })
    ).text();
    expect(lint).toContain("Ask my writing partner to review");
    await writer.post("/status-updates/drafts", {
      teamId,
      "q-bottom-line": "The zeppelin launch is blocked on legal review.",
    });

    const sent = await writer.post("/writing/reviews", {
      editor: "status-update",
      ref: `${teamId}:2026-W10`,
      teamId,
      link: `/status-updates/write?team=${teamId}`,
      text: draftText,
      bottomLine: "The zeppelin launch is blocked on legal review.",
    });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("Location")).toBe(`/status-updates/write?team=${teamId}`);
    // Sending again from the composer with htmx swaps the panel in place and refreshes the snapshot.
    const again = await writer.post(
      "/writing/reviews",
      {
        editor: "status-update",
        ref: `${teamId}:2026-W10`,
        teamId,
        link: `/status-updates/write?team=${teamId}`,
        text: `${draftText} Legal answers soon.`,
        bottomLine: "The zeppelin launch is blocked on legal review.",
      },
      { "HX-Request": "true" },
    );
    expect(again.status).toBe(200);
    const fragment = await again.text();
    expect(fragment).toContain("Your partner now sees your latest draft.");
    expect(fragment).not.toContain("<html");
    const [review] = await t.ctx.db.select().from(reviews).where(eq(reviews.authorId, writer.person.id));
    expect(review?.status).toBe("requested");
    expect(review?.text).toContain("Legal answers soon.");
    // Fallback due time from settings: 24 hours.
    expect(review?.dueAt.toISOString()).toBe("2026-03-03T09:00:00.000Z");

    await t.ctx.events.dispatch();
    const [clock] = await t.ctx.db.select().from(clocks).where(eq(clocks.responderId, partner.person.id));
    expect(clock?.state).toBe("running");

    // Visible to the author and the partner; to nobody else, not even through search.
    expect((await writer.get(`/writing/reviews/${review?.id}`)).status).toBe(200);
    const partnerView = await partner.get(`/writing/reviews/${review?.id}`);
    expect(partnerView.status).toBe(200);
    expect(await partnerView.text()).toContain("We sent them to legal.");
    expect((await teammate.get(`/writing/reviews/${review?.id}`)).status).toBe(404);
    expect((await (await t.signedIn("admin")).get(`/writing/reviews/${review?.id}`)).status).toBe(404);
    expect(await (await teammate.get("/status-updates/search?q=zeppelin")).text()).not.toContain("zeppelin launch");
    expect(await (await teammate.get("/writing/reviews")).text()).not.toContain("zeppelin");
    expect(await (await partner.get("/writing/reviews")).text()).toContain("zeppelin");
    // The partner's digest lists the draft; nobody else's does.
    expect(await (await partner.get("/digest/preview.html")).text()).toContain("Drafts waiting for your review");
    expect(await (await partner.get("/digest/preview.html")).text()).toContain("The zeppelin launch is blocked");
    expect(await (await teammate.get("/digest/preview.html")).text()).not.toContain("zeppelin");

    // The teammate cannot comment; the partner comments on a sentence, which stops the clock.
    expect((await teammate.post(`/writing/reviews/${review?.id}/comments`, { sentence: "0", body: "Hm" })).status).toBe(
      404,
    );
    expect((await writer.post(`/writing/reviews/${review?.id}/comments`, { sentence: "0", body: "Mine" })).status).toBe(
      403,
    );
    const bad = await partner.post(`/writing/reviews/${review?.id}/comments`, { sentence: "99", body: "Which one?" });
    expect(bad.status).toBe(422);
    const commented = await partner.post(`/writing/reviews/${review?.id}/comments`, {
      sentence: "0",
      body: "Say when legal will answer.",
    });
    expect(commented.status).toBe(303);
    await t.ctx.events.dispatch();
    const [stopped] = await t.ctx.db.select().from(clocks).where(eq(clocks.responderId, partner.person.id));
    expect(stopped?.state).toBe("stopped");

    const done = await partner.post(`/writing/reviews/${review?.id}/complete`, {
      suggestedBottomLine: "Launch slips a week: legal answers by Friday.",
      note: "Nice and short.",
    });
    expect(done.status).toBe(303);
    // The author sees the suggestion beside the writing hints in the composer.
    const after = await (await writer.get(`/status-updates/write?team=${teamId}`)).text();
    expect(after).toContain("Launch slips a week: legal answers by Friday.");
    expect(after).toContain("Say when legal will answer.");
  });

  it("never requires a review to post", async () => {
    const writer = await t.signedIn("member");
    const partner = await t.person();
    const teamId = await makeTeam(t, [{ person: writer.person }, { person: partner }]);
    await pairUp(writer.person, partner);
    await writer.post("/writing/reviews", {
      editor: "status-update",
      ref: `${teamId}:2026-W10`,
      teamId,
      link: `/status-updates/write?team=${teamId}`,
      text: "Shipped the beta.",
    });
    const posted = await writer.post("/status-updates/updates", { teamId, "q-bottom-line": "Shipped the beta." });
    expect(posted.status).toBe(303);
  });

  it("refuses bad requests with a clear 4xx and stores nothing", async () => {
    const writer = await t.signedIn("member");
    const partner = await t.person();
    const teamId = await makeTeam(t, [{ person: writer.person }]);
    const otherTeam = await makeTeam(t, [{ person: partner }]);
    const base = { editor: "status-update", ref: "x", teamId, link: "/status-updates", text: "Draft." };
    expect((await writer.post("/writing/reviews", base)).status).toBe(409); // no partner yet
    await pairUp(writer.person, partner);
    const evil = await writer.post("/writing/reviews", { ...base, link: "https://evil.example/" });
    expect(evil.status).toBe(422);
    expect(await evil.text()).toContain("link");
    expect((await writer.post("/writing/reviews", { ...base, text: "  " })).status).toBe(422);
    expect((await writer.post("/writing/reviews", { ...base, editor: "novel" })).status).toBe(422);
    expect((await writer.post("/writing/reviews", { ...base, teamId: otherTeam })).status).toBe(403);
    expect((await writer.get("/writing/reviews/not-a-uuid")).status).toBe(404);
    expect(await t.ctx.db.select().from(reviews).where(eq(reviews.authorId, writer.person.id))).toHaveLength(0);
  });
});
