import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { teamMembers, teams } from "../../server/plugin-api.ts";
import { type TestApp, type TestClient, testApp } from "../../server/testing/test-app.ts";
import { defaultBudget } from "./expand.ts";
import { calendarImports, meetingOccurrences, meetingSeries } from "./schema.ts";

// A hostile calendar costs bounded time and space, says what it skipped, and never stops the
// server from answering: parsing runs on its own thread after the upload has answered.
let t: TestApp;
let manager: TestClient & { person: { id: string } };
let teamId = "";

beforeAll(async () => {
  t = await testApp({ plugins: ["calendar-audit"] });
  manager = await t.signedIn("manager");
  const [team] = await t.ctx.db.insert(teams).values({ name: "Hostile", timeZone: "UTC" }).returning();
  teamId = team?.id as string;
  await t.ctx.db.insert(teamMembers).values({ teamId, personId: manager.person.id, isManager: true });
}, 120_000);
afterAll(() => t.close());

function event(i: number, rule: string): string {
  return [
    "BEGIN:VEVENT",
    `UID:hostile-${i}@test`,
    "DTSTART:20260301T090000Z",
    "DURATION:PT1S",
    `SUMMARY:Tick ${i}`,
    `RRULE:${rule}`,
    "END:VEVENT",
  ].join("\r\n");
}

function calendar(events: string[]): string {
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${events.join("\r\n")}\r\nEND:VCALENDAR\r\n`;
}

async function uploadWhileProbing(
  name: string,
  text: string,
): Promise<{ probes: number; row: typeof calendarImports.$inferSelect }> {
  const form = new FormData();
  form.append("files", new File([text], name, { type: "text/calendar" }));
  form.append("target", teamId);
  const res = await manager.request("/calendar-audit/upload", { method: "POST", body: form });
  expect(res.status).toBe(303);
  let done = false;
  const importing = t.ctx.tasks.settled().then(() => {
    done = true;
  });
  let probes = 0;
  while (!done) {
    const health = await t.client().get("/healthz");
    expect(health.status).toBe(200);
    probes++;
    await Promise.race([importing, Bun.sleep(5)]);
  }
  const [row] = await t.ctx.db.select().from(calendarImports).where(eq(calendarImports.fileName, name));
  return { probes, row: row as typeof calendarImports.$inferSelect };
}

describe("hostile calendars", () => {
  it("bounds five SECONDLY rules in a 1 KB file, says so, and keeps /healthz answering meanwhile", async () => {
    const text = calendar([1, 2, 3, 4, 5].map((i) => event(i, "FREQ=SECONDLY")));
    expect(text.length).toBeLessThan(1024);
    const { probes, row } = await uploadWhileProbing("secondly.ics", text);
    expect(probes).toBeGreaterThan(0);
    expect(row.status).toBe("done");
    expect(row.problems.join(" ")).not.toBe("");
    const perSeries = await t.ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(meetingOccurrences)
      .innerJoin(meetingSeries, eq(meetingSeries.id, meetingOccurrences.seriesId))
      .where(sql`${meetingSeries.uid} like 'hostile-%'`)
      .groupBy(meetingSeries.id);
    expect(perSeries).toHaveLength(5);
    for (const s of perSeries) expect(Number(s.n)).toBeLessThanOrEqual(defaultBudget.maxOccurrencesPerSeries);
  }, 300_000);

  it("bounds 50,000 events of SECONDLY with COUNT=10^9 by its budgets and reports what it left out", async () => {
    const text = calendar(Array.from({ length: 50_000 }, (_, i) => event(100 + i, "FREQ=SECONDLY;COUNT=1000000000")));
    const { probes, row } = await uploadWhileProbing("count.ics", text);
    expect(probes).toBeGreaterThan(0);
    // Either partly imported with notes about what was cut, or refused for taking too long: bounded either way.
    if (row.status === "done") expect(row.problems.length).toBeGreaterThan(0);
    else expect(row.message ?? "").toMatch(/longer than/);
  }, 300_000);
});
