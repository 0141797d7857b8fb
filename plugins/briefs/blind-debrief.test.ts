import { afterAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { teams } from "../../server/people/schema.ts";
import { testApp } from "../../server/testing/test-app.ts";
import { notes } from "./schema.ts";

// The blind debrief cannot be bypassed: a submitted note is final (no placeholder, read the
// others, rewrite), and an interviewer who has not submitted sees neither the synthesis nor
// the decision — on the page, in the list or through the API.

const t = await testApp({ plugins: ["briefs"] });
afterAll(() => t.close());
const [team] = await t.ctx.db.insert(teams).values({ name: "Platform", timeZone: "UTC" }).returning();
const teamId = (team as { id: string }).id;
const scorecard = { r0: "3", r1: "2", r2: "4", r3: "1" };

async function panel() {
  const [hm, early, late] = [await t.signedIn("manager"), await t.signedIn("member"), await t.signedIn("member")];
  t.clock.set("2026-03-02T09:00:00Z");
  const res = await hm.post("/briefs/interviews", {
    candidateName: "Robin Candidate",
    role: "Data engineer",
    teamId,
    startsAt: "2026-03-02T10:00",
    endsAt: "2026-03-02T11:00",
    interviewerIds: [early.person.id, late.person.id],
    hiringManagerIds: hm.person.id,
  });
  const id = /([0-9a-f-]{36})/.exec(res.headers.get("Location") ?? "")?.[1] as string;
  t.clock.set("2026-03-02T11:30:00Z");
  return { hm, early, late, id };
}

describe("a submitted note is final", () => {
  it("refuses to rewrite a placeholder after reading the others, and keeps what was submitted", async () => {
    const p = await panel();
    await p.late.post(`/briefs/interviews/${p.id}/note`, {
      ...scorecard,
      evidence: "Strong SQL.",
      recommendation: "hire",
    });
    const placeholder = await p.early.post(`/briefs/interviews/${p.id}/note`, {
      ...scorecard,
      evidence: "placeholder",
      recommendation: "hire",
    });
    expect(placeholder.status).toBe(303);
    expect(await (await p.early.get(`/briefs/interviews/${p.id}`)).text()).toContain("Strong SQL.");
    t.clock.advance(60_000);
    const rewrite = await p.early.post(`/briefs/interviews/${p.id}/note`, {
      ...scorecard,
      evidence: "Agree with the others: strong SQL.",
      recommendation: "no_hire",
    });
    expect(rewrite.status).toBe(409);
    const [kept] = await t.ctx.db.select().from(notes).where(eq(notes.interviewerId, p.early.person.id));
    expect([kept?.evidence, kept?.recommendation]).toEqual(["placeholder", "hire"]);
    expect(await (await p.hm.get(`/briefs/interviews/${p.id}`)).text()).toContain("placeholder");
  });

  it("offers no form to change a submitted note", async () => {
    const p = await panel();
    await p.early.post(`/briefs/interviews/${p.id}/note`, { ...scorecard, evidence: "Fine.", recommendation: "hire" });
    const page = await (await p.early.get(`/briefs/interviews/${p.id}`)).text();
    expect(page).not.toContain(`action="/briefs/interviews/${p.id}/note"`);
    expect(page).toContain("final");
  });
});

describe("the synthesis and the decision stay hidden from an interviewer who has not submitted", () => {
  it("on the interview page, in the list and in the JSON API", async () => {
    const p = await panel();
    await p.early.post(`/briefs/interviews/${p.id}/note`, { ...scorecard, evidence: "Ok.", recommendation: "hire" });
    expect(
      (await p.hm.post(`/briefs/interviews/${p.id}/synthesis`, { synthesis: "Quokka-level consensus." })).status,
    ).toBe(303);
    expect(
      (await p.hm.post(`/briefs/interviews/${p.id}/decision`, { outcome: "no_hire", rationale: "Not now." })).status,
    ).toBe(303);

    const page = await (await p.late.get(`/briefs/interviews/${p.id}`)).text();
    expect(page).not.toContain("Quokka");
    expect(page).not.toContain("Decision:");
    const api = (await (await p.late.get(`/api/briefs/interviews/${p.id}`)).json()) as {
      interview: { synthesis: string; outcome: string | null };
    };
    expect([api.interview.synthesis, api.interview.outcome]).toEqual(["", null]);
    const list = (await (await p.late.get("/api/briefs/interviews")).json()) as {
      interviews: { id: string; outcome: string | null }[];
    };
    expect(list.interviews.find((i) => i.id === p.id)?.outcome).toBeNull();
    expect(await (await p.late.get("/briefs/interviews")).text()).not.toContain("No hire");

    // Those who submitted, and the hiring managers, see both.
    for (const reader of [p.early, p.hm]) {
      const seen = await (await reader.get(`/briefs/interviews/${p.id}`)).text();
      expect(seen).toContain("Quokka");
      expect(seen).toContain("Decision:");
    }
  });
});
