import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { teamMembers, teams } from "../../server/plugin-api.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";

// The chat hooks run the composer's own checks: a chat app cannot post where the portal would refuse.
let t: TestApp;
let teamId: string;
beforeAll(async () => {
  t = await testApp({ plugins: ["status-updates"] });
  const [team] = await t.ctx.db.insert(teams).values({ name: "Chat", timeZone: "Europe/Berlin" }).returning();
  teamId = (team as { id: string }).id;
});
afterAll(() => t.close());

const updates = () => {
  const hook = t.ctx.plugins.activeProvider("chat.updates");
  if (!hook) throw new Error("status-updates provides no chat.updates hook");
  return hook;
};

describe("writing an update from chat", () => {
  it("offers the team's BLUF questions with hints, the bottom line required", async () => {
    const member = await t.person();
    await t.ctx.db.insert(teamMembers).values({ teamId, personId: member.id, isManager: false });
    const form = await updates().form(member.id);
    expect(form?.teamId).toBe(teamId);
    expect(form?.fields.map((f) => [f.key, f.optional])).toEqual([
      ["bottom-line", false],
      ["ask", true],
      ["progress", true],
      ["risks-blockers", true],
    ]);
    expect(form?.fields[0]?.hint).toContain("Bottom line up front");
  });

  it("refuses a team the person is not on, and an update without a bottom line", async () => {
    const outsider = await t.person();
    expect(await updates().form(outsider.id)).toBeNull();
    expect(await updates().post(outsider.id, teamId, { "bottom-line": "Sneaky." })).toEqual({
      ok: false,
      errors: { form: "You can only post updates to teams you are on." },
    });
    const member = await t.person();
    await t.ctx.db.insert(teamMembers).values({ teamId, personId: member.id, isManager: false });
    expect(await updates().post(member.id, teamId, { progress: "Things." })).toEqual({
      ok: false,
      errors: { "bottom-line": "Start with the bottom line." },
    });
  });

  it("posts once per period: a second post is refused, not doubled", async () => {
    const member = await t.person();
    await t.ctx.db.insert(teamMembers).values({ teamId, personId: member.id, isManager: false });
    const first = await updates().post(member.id, teamId, { "bottom-line": "We ship on Thursday." });
    expect(first.ok).toBe(true);
    const second = await updates().post(member.id, teamId, { "bottom-line": "Again." });
    expect(second.ok).toBe(false);
  });
});

describe("answering an ask from chat", () => {
  it("offers no form to someone the ask is not addressed to, and refuses their answer", async () => {
    const hook = t.ctx.plugins.activeProvider("chat.asks");
    const stranger = await t.person();
    const askId = crypto.randomUUID();
    expect(await hook?.form(askId, stranger.id)).toBeNull();
    expect(await hook?.answer(askId, stranger.id, "Here you go")).toEqual({
      ok: false,
      errors: { answer: "This ask is answered already, or not addressed to you." },
    });
    expect(await hook?.answer(askId, stranger.id, "   ")).toEqual({
      ok: false,
      errors: { answer: "Write your answer." },
    });
  });
});
