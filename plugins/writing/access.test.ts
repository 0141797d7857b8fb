import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import type { Person } from "../../server/people/people.ts";
import { concretePath } from "../../server/testing/routes.ts";
import { type TestApp, type TestClient, testApp } from "../../server/testing/test-app.ts";
import { pairs, reviews, workshops } from "./schema.ts";
import { makeTeam } from "./test-support.ts";

// A draft under review is visible to its author and their partner only. This walks every route
// the writing plugin declares (so a route added later is covered too), plus search and the
// digest, as everyone else who might be curious: a teammate, the author's manager, an admin and
// the owner. None of them may ever see the draft's text.

const SECRET = "Quokkafish";
let t: TestApp;
let ids: Record<string, string>;
let author: TestClient & { person: Person };
let partner: TestClient & { person: Person };
const others: Record<string, TestClient & { person: Person }> = {};

beforeAll(async () => {
  t = await testApp({ plugins: ["status-updates", "sla", "writing"] });
  author = await t.signedIn("member");
  partner = await t.signedIn("member");
  others.teammate = await t.signedIn("member");
  others.manager = await t.signedIn("manager");
  others.admin = await t.signedIn("admin");
  others.owner = await t.signedIn("owner");
  const teamId = await makeTeam(t, [
    { person: author.person },
    { person: others.teammate.person },
    { person: others.manager.person, manager: true },
  ]);
  const [pair] = await t.ctx.db
    .insert(pairs)
    .values({
      quarter: "2026-Q1",
      writerId: author.person.id,
      partnerId: partner.person.id,
      proposedBy: others.manager.person.id,
      status: "active",
      writerAccepted: true,
      partnerAccepted: true,
      createdAt: t.clock.now(),
    })
    .returning();
  const draft = `## Bottom line\n\nThe ${SECRET} project slips a month.`;
  await author.post("/status-updates/drafts", { teamId, "q-bottom-line": `The ${SECRET} project slips a month.` });
  expect(
    (
      await author.post("/writing/reviews", {
        editor: "status-update",
        ref: `${teamId}:2026-W10`,
        teamId,
        link: `/status-updates/write?team=${teamId}`,
        text: draft,
        bottomLine: `The ${SECRET} project slips a month.`,
      })
    ).status,
  ).toBe(303);
  await partner.post(`/writing/reviews/${(await t.ctx.db.select().from(reviews))[0]?.id}/comments`, {
    sentence: "0",
    body: `Which ${SECRET} milestone?`,
  });
  await t.ctx.events.dispatch();
  const admin = others.admin;
  await admin.post("/writing/workshops", {
    title: "Workshop",
    startsAt: "2026-03-20T14:00",
    minutes: "60",
    location: "Room 1",
    facilitatorId: admin.person.id,
    agenda: "Rewrite a buried ask.",
  });
  const [review] = await t.ctx.db.select().from(reviews).where(eq(reviews.authorId, author.person.id));
  const [workshop] = await t.ctx.db.select().from(workshops);
  ids = { review: review?.id ?? "", pair: pair?.id ?? "", workshop: workshop?.id ?? "", team: teamId };
});
afterAll(() => t.close());

function idFor(path: string, name: string): string {
  if (name === "teamId") return ids.team as string;
  if (path.includes("/reviews/")) return ids.review as string;
  if (path.includes("/pairs/")) return ids.pair as string;
  return ids.workshop as string;
}

describe("a draft under review is visible to its author and partner only", () => {
  it("is seen by the partner (the check below can fail)", async () => {
    expect(await (await partner.get(`/writing/reviews/${ids.review}`)).text()).toContain(SECRET);
    expect(await (await author.get(`/status-updates/write?team=${ids.team}`)).text()).toContain(SECRET);
  });

  it("never shows on any writing route, in search or in the digest for anyone else", async () => {
    const rules = t.ctx.routes.rules.filter((r) => r.owner === "writing");
    expect(rules.length).toBeGreaterThan(15);
    const leaks: string[] = [];
    for (const [who, client] of Object.entries(others)) {
      for (const rule of rules) {
        const path = concretePath(rule.path, (name) => idFor(rule.path, name));
        const res =
          rule.method === "GET"
            ? await client.get(path)
            : await client.request(path, {
                method: rule.method,
                body: new URLSearchParams({ sentence: "0", body: "x", pledge: "x" }),
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
              });
        if (res.status >= 500) leaks.push(`${who} ${rule.method} ${path}: ${res.status}`);
        if ((await res.text()).includes(SECRET)) leaks.push(`${who} ${rule.method} ${rule.path}`);
      }
      for (const path of [
        // Searching for the words around it (the page echoes the query itself).
        "/status-updates/search?q=project+slips",
        "/api/status-updates/search?q=project+slips",
        "/digest/preview.html",
        `/status-updates?team=${ids.team}`,
        "/",
        "/notifications",
      ]) {
        if ((await (await client.get(path)).text()).includes(SECRET)) leaks.push(`${who} GET ${path}`);
      }
    }
    expect(leaks).toEqual([]);
    // Nobody else's requests changed the review.
    const [review] = await t.ctx.db
      .select()
      .from(reviews)
      .where(eq(reviews.id, ids.review as string));
    expect(review?.status).toBe("requested");
  });
});
