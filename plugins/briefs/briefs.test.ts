import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { events } from "../../server/events/schema.ts";
import { notifications } from "../../server/notifications/schema.ts";
import { teams } from "../../server/people/schema.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { askIdFor, paragraphsOf } from "./brief-flow.ts";
import { briefs, decisions, interviews, notes } from "./schema.ts";

let t: TestApp;
let teamId: string;
beforeAll(async () => {
  t = await testApp({ plugins: ["briefs"] });
  const [team] = await t.ctx.db.insert(teams).values({ name: "Platform", timeZone: "UTC" }).returning();
  teamId = (team as { id: string }).id;
});
afterAll(() => t.close());

const idFrom = (res: Response): string => {
  const m = /([0-9a-f-]{36})/.exec(res.headers.get("Location") ?? "");
  if (!m?.[1]) throw new Error(`no id in ${res.status} ${res.headers.get("Location")}`);
  return m[1];
};

const body = `**Bottom line:** adopt written kickoffs.

## Problem

Kickoff meetings take an hour of eight people.

## Proposal

Circulate a one-page brief instead.`;

async function draftBrief(author: Awaited<ReturnType<TestApp["signedIn"]>>): Promise<string> {
  const res = await author.post("/briefs", { title: "Written kickoffs", teamId, body });
  expect(res.status).toBe(303);
  return idFrom(res);
}

describe("kickoff briefs", () => {
  it("refuses a comment deadline in the past with 422 and keeps the draft", async () => {
    const author = await t.signedIn("member");
    const reviewer = await t.person();
    const id = await draftBrief(author);
    const res = await author.post(`/briefs/${id}/send`, {
      reviewerIds: reviewer.id,
      commentDeadline: "2026-03-01T09:00",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("The comment deadline must be in the future.");
    const [row] = await t.ctx.db.select().from(briefs).where(eq(briefs.id, id));
    expect(row?.state).toBe("draft");
  });

  it("goes from draft through review and synthesis to a decision in the log", async () => {
    const author = await t.signedIn("member");
    const reviewer = await t.signedIn("member");
    const id = await draftBrief(author);
    // Drafts are private to their author.
    expect((await reviewer.get(`/briefs/${id}`)).status).toBe(403);

    const sent = await author.post(`/briefs/${id}/send`, {
      reviewerIds: reviewer.person.id,
      commentDeadline: "2026-03-04T17:00",
    });
    expect(sent.status).toBe(303);
    const asks = await t.ctx.db.select().from(events).where(eq(events.type, "ask.created"));
    const ask = asks.find((e) => (e.payload as { link: string }).link === `/briefs/${id}`);
    expect(ask?.payload).toMatchObject({
      askId: askIdFor("brief-review", id, reviewer.person.id),
      addresseeIds: [reviewer.person.id],
      workType: "review request",
      medium: "portal",
      teamId,
      source: "briefs",
    });

    // Only the author moves the brief.
    expect((await reviewer.post(`/briefs/${id}/state`, { to: "abandoned" })).status).toBe(403);

    const para = paragraphsOf(body)[2];
    if (!para) throw new Error("no paragraph");
    const commented = await reviewer.post(`/briefs/${id}/comments`, {
      paragraph: String(para.index),
      paragraphHash: para.hash,
      body: "Eight people is generous; it is often ten.",
    });
    expect(commented.status).toBe(303);
    const answered = await t.ctx.db.select().from(events).where(eq(events.type, "ask.answered"));
    expect(answered.map((e) => (e.payload as { askId: string }).askId)).toContain(
      askIdFor("brief-review", id, reviewer.person.id),
    );
    const page = await (await reviewer.get(`/briefs/${id}`)).text();
    // The comment sits beside its paragraph.
    const block = page.slice(page.indexOf(`id="p${para.index}"`), page.indexOf(`id="p${para.index + 1}"`));
    expect(block).toContain("it is often ten");

    // A decision cannot skip the synthesis.
    expect((await author.post(`/briefs/${id}/state`, { to: "decided", decision: "Go" })).status).toBe(409);
    expect((await author.post(`/briefs/${id}/state`, { to: "synthesis", synthesis: "Reviewers agree." })).status).toBe(
      303,
    );
    expect(
      (await author.post(`/briefs/${id}/comments`, { paragraph: "0", paragraphHash: para.hash, body: "late" })).status,
    ).toBe(409);
    expect(
      (await author.post(`/briefs/${id}/state`, { to: "decided", decision: "Adopt written kickoffs." })).status,
    ).toBe(303);

    const [entry] = await t.ctx.db.select().from(decisions).where(eq(decisions.briefId, id));
    expect(entry?.title).toBe("Written kickoffs");
    // Both steps are events for subscribers outside the plugin (outgoing webhooks).
    const [synthesized] = await t.ctx.db.select().from(events).where(eq(events.type, "brief.synthesized"));
    expect(synthesized?.payload).toMatchObject({ briefId: id, teamId, link: `/briefs/${id}` });
    const [recorded] = await t.ctx.db.select().from(events).where(eq(events.type, "decision.recorded"));
    expect(recorded?.payload).toMatchObject({ decisionId: entry?.id, kind: "brief", title: "Written kickoffs" });
    const log = await (await reviewer.get("/briefs/decisions?q=kickoffs")).text();
    expect(log).toContain("Written kickoffs");
    expect((await reviewer.get(`/briefs/decisions/${entry?.id}`)).status).toBe(200);
  });

  it("refuses edits after circulation, moves by anyone but the author, and comments on a changed paragraph", async () => {
    const author = await t.signedIn("member");
    const reviewer = await t.signedIn("member");
    const id = await draftBrief(author);
    expect((await reviewer.post(`/briefs/${id}`, { title: "Mine now", teamId, body })).status).toBe(403);
    expect(
      (
        await reviewer.post(`/briefs/${id}/send`, {
          reviewerIds: reviewer.person.id,
          commentDeadline: "2026-03-09T09:00",
        })
      ).status,
    ).toBe(403);
    expect(
      (await author.post(`/briefs/${id}/send`, { reviewerIds: author.person.id, commentDeadline: "2026-03-09T09:00" }))
        .status,
    ).toBe(422);
    expect((await author.post(`/briefs/${id}/send`, { commentDeadline: "2026-03-09T09:00" })).status).toBe(422);
    expect(
      (
        await author.post(`/briefs/${id}/send`, {
          reviewerIds: reviewer.person.id,
          commentDeadline: "2026-03-09T09:00",
        })
      ).status,
    ).toBe(303);
    expect((await author.post(`/briefs/${id}`, { title: "Changed", teamId, body })).status).toBe(409);
    expect((await author.get(`/briefs/${id}/edit`)).status).toBe(409);
    const stale = await reviewer.post(`/briefs/${id}/comments`, {
      paragraph: "0",
      paragraphHash: "0000000000000000",
      body: "Hm",
    });
    expect(stale.status).toBe(422);
    expect((await author.post(`/briefs/${id}/state`, { to: "abandoned" })).status).toBe(303);
    expect((await author.post(`/briefs/${id}/state`, { to: "synthesis", synthesis: "x" })).status).toBe(409);
    const [row] = await t.ctx.db.select().from(briefs).where(eq(briefs.id, id));
    expect(row?.state).toBe("abandoned");
  });

  it("renders writing hints through the live lint fragment", async () => {
    const author = await t.signedIn("member");
    const res = await author.post("/briefs/lint", { body: "Some text." }, { "HX-Request": "true" });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("<html");
  });
});

describe("the decisions log", () => {
  it("records a decision by hand and finds it with any search syntax", async () => {
    const me = await t.signedIn("member");
    const res = await me.post("/briefs/decisions", {
      title: "Adopt Temporal for dates",
      decidedBy: "Platform leads",
      decidedOn: "2026-02-27",
      rationale: "Time-zone bugs cost us a week last quarter.",
      links: "/briefs\nhttps://tc39.es/proposal-temporal/",
    });
    expect(res.status).toBe(303);
    const id = idFrom(res);
    for (const q of ["temporal", '"time-zone bugs"', "temporal -nothing", "!!! & | :*", "week OR leads"]) {
      const found = await me.get(`/briefs/decisions?q=${encodeURIComponent(q)}`);
      expect(found.status).toBe(200);
    }
    expect(await (await me.get("/briefs/decisions?q=temporal")).text()).toContain(`/briefs/decisions/${id}`);
    const json = (await (await me.get("/api/briefs/decisions?q=quarter")).json()) as { decisions: { id: string }[] };
    expect(json.decisions.map((d) => d.id)).toContain(id);
  });

  it("refuses a decision with a bad link or date with 422", async () => {
    const me = await t.signedIn("member");
    const res = await me.post("/briefs/decisions", {
      title: "x",
      decidedBy: "y",
      decidedOn: "2026-02-30",
      rationale: "z",
      links: "javascript:alert(1)",
    });
    expect(res.status).toBe(422);
  });
});

interface Panel {
  hm: Awaited<ReturnType<TestApp["signedIn"]>>;
  a: Awaited<ReturnType<TestApp["signedIn"]>>;
  b: Awaited<ReturnType<TestApp["signedIn"]>>;
  outsider: Awaited<ReturnType<TestApp["signedIn"]>>;
  id: string;
}

async function interview(): Promise<Panel> {
  const hm = await t.signedIn("manager");
  const a = await t.signedIn("member");
  const b = await t.signedIn("member");
  const outsider = await t.signedIn("admin");
  t.clock.set("2026-03-02T09:00:00Z");
  const res = await hm.post("/briefs/interviews", {
    candidateName: "Casey Candidate",
    candidateContact: "casey@example.org",
    role: "Backend engineer",
    teamId,
    startsAt: "2026-03-02T10:00",
    endsAt: "2026-03-02T11:00",
    interviewerIds: [a.person.id, b.person.id],
    hiringManagerIds: hm.person.id,
  });
  expect(res.status).toBe(303);
  t.clock.set("2026-03-02T11:30:00Z");
  return { hm, a, b, outsider, id: idFrom(res) };
}

const ratingsOk = { r0: "3", r1: "2", r2: "4", r3: "1" };
const secret = "Bsecretevidence";

describe("hiring debriefs", () => {
  it("refuses an empty panel with 422", async () => {
    const hm = await t.signedIn("manager");
    const res = await hm.post("/briefs/interviews", {
      candidateName: "Nobody Panel",
      role: "Designer",
      teamId,
      startsAt: "2026-03-03T10:00",
      endsAt: "2026-03-03T11:00",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Add at least one interviewer");
    expect(await t.ctx.db.select().from(interviews).where(eq(interviews.candidateName, "Nobody Panel"))).toHaveLength(
      0,
    );
  });

  it("refuses ratings outside the scale with 422", async () => {
    const p = await interview();
    const res = await p.a.post(`/briefs/interviews/${p.id}/note`, {
      ...ratingsOk,
      r1: "5",
      evidence: "x",
      recommendation: "hire",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("from 1 to 4");
    expect(await t.ctx.db.select().from(notes).where(eq(notes.interviewId, p.id))).toHaveLength(0);
  });

  it("refuses a note from someone not on the panel with 403", async () => {
    const p = await interview();
    const res = await p.outsider.post(`/briefs/interviews/${p.id}/note`, {
      ...ratingsOk,
      evidence: "x",
      recommendation: "hire",
    });
    expect(res.status).toBe(403);
    // A hiring manager is on the panel but writes no note either.
    expect(
      (await p.hm.post(`/briefs/interviews/${p.id}/note`, { ...ratingsOk, evidence: "x", recommendation: "hire" }))
        .status,
    ).toBe(403);
  });

  it("refuses candidate data to anyone outside the panel and the hiring managers with 403", async () => {
    const p = await interview();
    for (const path of [
      `/briefs/interviews/${p.id}`,
      `/briefs/interviews/${p.id}/notes`,
      `/api/briefs/interviews/${p.id}`,
    ]) {
      const res = await p.outsider.get(path);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain("Casey Candidate");
    }
    for (const path of ["/briefs/interviews", "/api/briefs/interviews", "/briefs"]) {
      expect(await (await p.outsider.get(path)).text()).not.toContain("Casey Candidate");
    }
  });

  describe("the blind rule", () => {
    let p: Panel;
    beforeAll(async () => {
      p = await interview();
      const res = await p.b.post(`/briefs/interviews/${p.id}/note`, {
        ...ratingsOk,
        evidence: `${secret} about the candidate`,
        recommendation: "no_hire",
      });
      expect(res.status).toBe(303);
      await t.ctx.events.dispatch();
      // Reminders and the decision log are written too, so every route has something to leak.
      t.clock.set("2026-03-02T13:30:00Z");
      await t.ctx.scheduler.runNow("briefs.debriefs");
    });

    const routes = (id: string): string[] => [
      `/briefs/interviews/${id}`,
      `/briefs/interviews/${id}/notes`,
      `/api/briefs/interviews/${id}`,
      "/briefs",
      "/briefs/interviews",
      "/api/briefs/interviews",
      `/briefs/decisions?q=${secret}`,
      `/api/briefs/decisions?q=${secret}`,
      "/digest/preview.html",
      "/notifications",
      "/",
    ];

    for (const index of routes("x").keys()) {
      it(`hides B's note from A before A submits: route ${index + 1} of ${routes("x").length}`, async () => {
        const path = routes(p.id)[index] as string;
        const res = await p.a.get(path, path === `/briefs/interviews/${p.id}/notes` ? { "HX-Request": "true" } : {});
        expect(res.status).toBeLessThan(400);
        const text = await res.text();
        expect(text).not.toContain(`${secret} about the candidate`);
        expect(text).not.toContain("badge badge-danger");
        expect(text).not.toContain('"recommendation":"no_hire"');
      });
    }

    it("answers B's debrief ask when B submits", async () => {
      const answered = await t.ctx.db.select().from(events).where(eq(events.type, "ask.answered"));
      expect(answered.map((e) => (e.payload as { askId: string }).askId)).toContain(
        askIdFor("debrief-note", p.id, p.b.person.id),
      );
    });

    it("shows every note to the hiring manager", async () => {
      expect(await (await p.hm.get(`/briefs/interviews/${p.id}`)).text()).toContain(secret);
    });

    it("shows B's note to A once A has submitted, on the page, the fragment and the JSON", async () => {
      const res = await p.a.post(`/briefs/interviews/${p.id}/note`, {
        ...ratingsOk,
        evidence: "A's own view",
        recommendation: "hire",
      });
      expect(res.status).toBe(303);
      expect(await (await p.a.get(`/briefs/interviews/${p.id}`)).text()).toContain(secret);
      expect(await (await p.a.get(`/briefs/interviews/${p.id}/notes`, { "HX-Request": "true" })).text()).toContain(
        secret,
      );
      const json = (await (await p.a.get(`/api/briefs/interviews/${p.id}`)).json()) as { notes: unknown[] };
      expect(json.notes).toHaveLength(2);
    });

    it("locks notes after the synthesis, then records the decision in the log for the panel only", async () => {
      expect((await p.a.post(`/briefs/interviews/${p.id}/synthesis`, { synthesis: "x" })).status).toBe(403);
      expect(
        (await p.hm.post(`/briefs/interviews/${p.id}/synthesis`, { synthesis: "Split panel; strong craft." })).status,
      ).toBe(303);
      const late = await p.b.post(`/briefs/interviews/${p.id}/note`, {
        ...ratingsOk,
        evidence: "changed my mind",
        recommendation: "hire",
      });
      expect(late.status).toBe(409);
      const decided = await p.hm.post(`/briefs/interviews/${p.id}/decision`, {
        outcome: "hire",
        rationale: "Craft outweighs Zanzibar concerns.",
      });
      expect(decided.status).toBe(303);
      const entryId = idFrom(decided);
      expect(await (await p.a.get("/briefs/decisions?q=Zanzibar")).text()).toContain(entryId);
      expect(await (await p.outsider.get("/briefs/decisions?q=Zanzibar")).text()).not.toContain(entryId);
      expect(await (await p.outsider.get("/briefs/decisions")).text()).not.toContain(entryId);
      expect((await p.outsider.get(`/briefs/decisions/${entryId}`)).status).toBe(403);
      expect((await p.outsider.get(`/api/briefs/decisions/${entryId}`)).status).toBe(403);
    });
  });

  it("opens an ask per interviewer when the interview ends, tells them at once, and reminds them before and at the deadline, once", async () => {
    const p = await interview();
    t.clock.set("2026-03-02T11:05:00Z");
    await t.ctx.scheduler.runNow("briefs.debriefs");
    const asks = (await t.ctx.db.select().from(events).where(eq(events.type, "ask.created"))).filter(
      (e) => (e.payload as { link: string }).link === `/briefs/interviews/${p.id}`,
    );
    expect(asks.map((e) => (e.payload as { addresseeIds: string[] }).addresseeIds[0]).sort()).toEqual(
      [p.a.person.id, p.b.person.id].sort(),
    );
    expect(asks[0]?.payload).toMatchObject({ workType: "hiring debrief", medium: "portal" });
    const mine = () =>
      t.ctx.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.personId, p.a.person.id), eq(notifications.source, "briefs")));
    // Each interviewer is asked at once, when the interview ends.
    expect((await mine()).map((n) => n.title)).toEqual(["Write your debrief note: Backend engineer"]);
    t.clock.set("2026-03-02T13:00:00Z"); // 2 h before the 4 h deadline
    await t.ctx.scheduler.runNow("briefs.debriefs");
    await t.ctx.scheduler.runNow("briefs.debriefs");
    const titles = async () => (await mine()).map((n) => n.title);
    expect(await titles()).toHaveLength(2);
    expect(await titles()).toContainEqual(expect.stringContaining("Reminder"));
    t.clock.set("2026-03-02T15:00:00Z");
    await t.ctx.scheduler.runNow("briefs.debriefs");
    await t.ctx.scheduler.runNow("briefs.debriefs");
    expect(await titles()).toHaveLength(3);
    expect(await titles()).toContainEqual(expect.stringContaining("is due now"));
    // Asks are opened once, however often the job runs.
    const again = (await t.ctx.db.select().from(events).where(eq(events.type, "ask.created"))).filter(
      (e) => (e.payload as { link: string }).link === `/briefs/interviews/${p.id}`,
    );
    expect(again).toHaveLength(2);
  });
});

describe("demo data", () => {
  it("adds briefs in several states, two interviews with notes and a decisions log", async () => {
    const d = await testApp({ plugins: ["briefs"] });
    try {
      const crew = await Promise.all([1, 2, 3, 4, 5, 6].map(() => d.person()));
      const [team] = await d.ctx.db.insert(teams).values({ name: "Demo", timeZone: "UTC" }).returning();
      const ids = crew.map((p) => p.id);
      const demo = {
        ownerId: ids[0] as string,
        people: crew.map((p) => ({ id: p.id, email: p.email, name: p.name, timeZone: "UTC", role: "member" })),
        teams: [
          {
            id: (team as { id: string }).id,
            name: "Demo",
            timeZone: "UTC",
            memberIds: ids,
            managerIds: [ids[0] as string],
          },
        ],
        now: d.clock.now(),
        weeks: 12,
      };
      const contributor = d.ctx.demo.find((c) => c.owner === "briefs");
      if (!contributor) throw new Error("no briefs demo contributor");
      await contributor.contribute(d.ctx.db, demo);
      const states = new Set((await d.ctx.db.select({ state: briefs.state }).from(briefs)).map((b) => b.state));
      expect(states.size).toBeGreaterThanOrEqual(3);
      expect(await d.ctx.db.select().from(interviews)).toHaveLength(2);
      expect((await d.ctx.db.select().from(notes)).length).toBeGreaterThanOrEqual(2);
      expect((await d.ctx.db.select().from(decisions)).length).toBeGreaterThanOrEqual(3);
    } finally {
      await d.close();
    }
  }, 30_000);
});
