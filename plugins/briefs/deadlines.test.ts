import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../server/db/rows.ts";
import { teams } from "../../server/people/schema.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { askIdFor } from "./brief-flow.ts";

// One deadline per item: the one the page shows is the one the SLA clock runs against.
let t: TestApp;
let teamId: string;
beforeAll(async () => {
  t = await testApp({ plugins: ["briefs", "sla"] });
  const [team] = await t.ctx.db.insert(teams).values({ name: "Deadlines", timeZone: "UTC" }).returning();
  teamId = (team as { id: string }).id;
});
afterAll(() => t.close());

const idFrom = (res: Response): string => /([0-9a-f-]{36})/.exec(res.headers.get("Location") ?? "")?.[1] ?? "";

/** The due instant of the SLA clock opened for a briefs ask. */
async function clockDue(askId: string): Promise<string | null> {
  const [row] = rowsOf<{ due_at: string | Date | null }>(
    await t.ctx.db.execute(
      sql`select c.due_at from sla.clocks c join sla.asks a on a.id = c.ask_id where a.source_ref = ${askId}`,
    ),
  );
  return row?.due_at ? new Date(row.due_at).toISOString() : null;
}

describe("deadlines", () => {
  it("runs a brief's review clock to the author's comment deadline, not the charter's target", async () => {
    t.clock.set("2026-03-02T09:00:00Z");
    const author = await t.signedIn("member");
    const reviewer = await t.person();
    const draft = await author.post("/briefs", {
      title: "Written kickoffs",
      teamId,
      body: "**Bottom line:** adopt written kickoffs.\n\nKickoff meetings take an hour of eight people.",
    });
    const id = idFrom(draft);
    // Thursday 17:00 in the author's zone (UTC); the default charter's target would end Wednesday 17:00.
    const sent = await author.post(`/briefs/${id}/send`, {
      reviewerIds: reviewer.id,
      commentDeadline: "2026-03-05T17:00",
    });
    expect(sent.status).toBe(303);
    await t.ctx.events.dispatch();
    expect(await clockDue(askIdFor("brief-review", id, reviewer.id))).toBe("2026-03-05T17:00:00.000Z");
  });

  it("runs a debrief note's clock to the same 'Notes due' time the interview page shows", async () => {
    t.clock.set("2026-03-02T09:00:00Z");
    const hm = await t.signedIn("manager");
    const interviewer = await t.signedIn("member");
    const res = await hm.post("/briefs/interviews", {
      candidateName: "Casey Candidate",
      role: "Backend engineer",
      teamId,
      startsAt: "2026-03-02T12:00",
      endsAt: "2026-03-02T13:10",
      interviewerIds: interviewer.person.id,
      hiringManagerIds: hm.person.id,
    });
    expect(res.status).toBe(303);
    const id = idFrom(res);
    t.clock.set("2026-03-02T13:15:00Z");
    await t.ctx.scheduler.runNow("briefs.debriefs");
    await t.ctx.events.dispatch();
    const page = await (await interviewer.get(`/briefs/interviews/${id}`)).text();
    const shown = /Notes due<\/dt>\s*<dd>\s*<time datetime="([^"]+)"/.exec(page)?.[1];
    expect(shown).toBe("2026-03-02T17:10:00.000Z");
    expect(await clockDue(askIdFor("debrief-note", id, interviewer.person.id))).toBe(shown as string);
  });
});
