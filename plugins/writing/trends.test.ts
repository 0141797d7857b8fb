import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { updates } from "../status-updates/schema.ts";
import { fleschKincaidGrade } from "./measures.ts";
import { makeTeam } from "./test-support.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["status-updates", "writing"], now: "2026-03-02T10:00:00Z" });
});
afterAll(() => t.close());

describe("writing trends", () => {
  it("equal hand-computed values on seeded updates, and only the writer sees them", async () => {
    const author = await t.signedIn(await t.person({ email: "writer@example.com", name: "Wren Writer" }));
    const ana = await t.signedIn(await t.person({ email: "ana@example.com", name: "Ana" }));
    const teamId = await makeTeam(t, [{ person: author.person }, { person: ana.person }]);

    // Week 10: a BLUF update with an addressed, dated ask.
    expect(
      (
        await author.post("/status-updates/updates", {
          teamId,
          "q-bottom-line": "We shipped the beta.",
          "q-ask": "@ana please review the docs by Friday.",
        })
      ).status,
    ).toBe(303);
    // Week 11: background first, no ask; a teammate asks what it means.
    t.clock.set("2026-03-09T10:00:00Z");
    await author.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": "Hi all, some context first about the project.",
    });
    const rows = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    const second = rows.find((u) => u.period === "2026-W11");
    const first = rows.find((u) => u.period === "2026-W10");
    await ana.post(`/status-updates/updates/${second?.id}/comments`, { body: "What is the project?" });
    // The author's own question is not a clarification request.
    await author.post(`/status-updates/updates/${first?.id}/comments`, { body: "Any questions?" });
    await t.ctx.events.dispatch();

    // By hand: update 1 has 2 sentences, 11 words ("ana" counted), 15 syllables;
    // update 2 has 1 sentence, 8 words, 11 syllables.
    const grade1 = Math.round((0.39 * (11 / 2) + 11.8 * (15 / 11) - 15.59) * 10) / 10; // 2.6
    const grade2 = Math.round((0.39 * 8 + 11.8 * (11 / 8) - 15.59) * 10) / 10; // 3.8 (3.755 rounds up)
    expect(fleschKincaidGrade(2, 11, 15)).toBe(grade1);
    const res = await author.get("/api/writing/trends");
    expect(res.status).toBe(200);
    const { months } = (await res.json()) as { months: Record<string, unknown>[] };
    expect(months).toEqual([
      {
        month: "2026-03",
        updates: 2,
        writers: 1,
        blufShare: 0.5,
        asks: 1,
        askAddressedShare: 1,
        sentenceLength: Math.round((19 / 3) * 10) / 10, // 6.3
        grade: Math.round(((grade1 + grade2) / 2) * 10) / 10,
        clarifiedShare: 0.5,
      },
    ]);
    const page = await (await author.get("/writing/trends")).text();
    expect(page).toContain("50 %");
    // Another person's trend page shows their own (empty) numbers, never the author's.
    const anaJson = (await (await ana.get("/api/writing/trends")).json()) as { months: unknown[] };
    expect(anaJson.months).toEqual([]);
  });

  it("shows managers team aggregates only for closed months with at least five writers, never per person", async () => {
    const manager = await t.signedIn("member");
    const writers = await Promise.all(
      [1, 2, 3, 4, 5].map(async (i) => t.signedIn(await t.person({ name: `Team Writer ${i}` }))),
    );
    const small = await Promise.all([1, 2, 3, 4].map((i) => t.person({ name: `Small Writer ${i}` })));
    const big = await makeTeam(t, [
      { person: manager.person, manager: true },
      ...writers.map((w) => ({ person: w.person })),
    ]);
    const few = await makeTeam(t, [{ person: manager.person, manager: true }, ...small.map((p) => ({ person: p }))]);
    t.clock.set("2026-03-16T10:00:00Z");
    for (const w of writers)
      await w.post("/status-updates/updates", { teamId: big, "q-bottom-line": "We shipped it." });
    for (const p of small) {
      const c = await t.signedIn(p);
      await c.post("/status-updates/updates", { teamId: few, "q-bottom-line": "We shipped it." });
    }
    await t.ctx.events.dispatch();

    // March is still open: nothing is released yet.
    expect(await (await manager.get(`/writing/teams/${big}/trends`)).text()).toContain("Not enough writers yet");
    t.clock.set("2026-04-02T10:00:00Z");
    const page = await (await manager.get(`/writing/teams/${big}/trends`)).text();
    expect(page).toContain('<th scope="row">2026-03</th><td>5</td><td>100 %</td>');
    for (const w of writers) expect(page).not.toContain(w.person.name);
    const fewPage = await (await manager.get(`/writing/teams/${few}/trends`)).text();
    expect(fewPage).toContain("Not enough writers yet");
    expect(fewPage).toContain("1 month left out");

    // Members of the team, and admins who do not manage it, get no team trend.
    expect((await writers[0]?.get(`/writing/teams/${big}/trends`))?.status).toBe(403);
    expect((await (await t.signedIn("admin")).get(`/writing/teams/${big}/trends`)).status).toBe(403);
    expect((await manager.get("/writing/teams/nope/trends")).status).toBe(404);
  });
});
