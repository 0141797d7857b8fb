import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { teamMembers, teams } from "../../server/people/schema.ts";
import { dashboardOf } from "../../server/testing/dashboard.ts";
import { type TestApp, type TestClient, testApp } from "../../server/testing/test-app.ts";
import { meetingOccurrences, meetingSeries } from "./schema.ts";

// What a manager sees once series are imported: the dashboard card, the transition plan in the
// digest, and the tracker's before/after numbers once a meeting is converted and the calendar
// re-imported. And the demo organization, which imports a calendar for every team.

let t: TestApp;
let manager: TestClient & { person: { id: string; email: string; name: string } };
let teamId: string;
let seriesId: string;
let emails: string[];

/** A weekly status meeting, Mondays 10:00–11:00Z: three required and one optional attendee. */
function statusIcs(until?: string): string {
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "BEGIN:VEVENT",
    "UID:platform-status@test",
    "DTSTART:20260105T100000Z",
    "DTEND:20260105T110000Z",
    `RRULE:FREQ=WEEKLY${until ? `;UNTIL=${until}` : ""}`,
    "SUMMARY:Weekly status meeting",
    ...emails.map(
      (e, i) =>
        `ATTENDEE;ROLE=${i === emails.length - 1 ? "OPT-PARTICIPANT" : "REQ-PARTICIPANT"};PARTSTAT=ACCEPTED:mailto:${e}`,
    ),
    "END:VEVENT",
    "END:VCALENDAR",
  ].join("\r\n");
}

async function upload(ics: string): Promise<void> {
  const form = new FormData();
  form.append("files", new File([ics], "platform.ics", { type: "text/calendar" }));
  form.append("target", teamId);
  const res = await manager.request("/calendar-audit/upload", { method: "POST", body: form });
  await t.ctx.tasks.settled();
  expect(res.status).toBe(303);
}

beforeAll(async () => {
  t = await testApp({ plugins: ["calendar-audit"] });
  const [team] = await t.ctx.db.insert(teams).values({ name: "Platform", timeZone: "UTC" }).returning();
  teamId = (team as { id: string }).id;
  manager = await t.signedIn("manager");
  const members = [await t.person(), await t.person(), await t.person()];
  await t.ctx.db
    .insert(teamMembers)
    .values([
      { teamId, personId: manager.person.id, isManager: true },
      ...members.map((p) => ({ teamId, personId: p.id })),
    ]);
  emails = [manager.person.email, ...members.map((p) => p.email)];
  await upload(statusIcs());
  const [series] = await t.ctx.db.select().from(meetingSeries).where(eq(meetingSeries.uid, "platform-status@test"));
  seriesId = (series as { id: string }).id;
}, 30_000);
afterAll(() => t.close());

describe("calendar-audit for managers", () => {
  it("shows a dashboard card to managers with the imported, candidate and converted counts", async () => {
    const home = await dashboardOf(manager);
    expect(home).toContain("1 recurring meeting imported; 1 async candidate; 0 converted or stopped.");
    expect(home).toContain('href="/calendar-audit/report"');
    const member = await t.signedIn("member");
    expect(await dashboardOf(member)).not.toContain("recurring meeting imported");
  });

  it("puts this month's planned conversion in the manager's digest, with the hours saved", async () => {
    expect(
      (
        await manager.post("/calendar-audit/tracker/plan", {
          teamId,
          month: "2026-03",
          seriesId,
        })
      ).status,
    ).toBe(303);
    const planned = await (await manager.get("/digest/preview.html")).text();
    expect(planned).toContain("Meeting transition");
    expect(planned).toContain("Platform: Weekly status meeting — to convert");
    expect(planned).toContain("Hours saved so far: 0.0 attendee-hours per week.");
    expect(planned).toContain("/calendar-audit/tracker");
    const member = await t.signedIn("member");
    expect(await (await member.get("/digest/preview.html")).text()).not.toContain("Meeting transition");

    expect(
      (await manager.post(`/calendar-audit/series/${seriesId}/outcome`, { outcome: "converted", on: "2026-03-02" }))
        .status,
    ).toBe(303);
    const converted = await (await manager.get("/digest/preview.html")).text();
    expect(converted).toContain("Platform: Weekly status meeting — converted on 2026-03-02");
    // 1 per week × 1 h × (3 required + ½ optional).
    expect(converted).toContain("Hours saved so far: 3.5 attendee-hours per week.");
    const home = await dashboardOf(manager);
    expect(home).toContain("1 recurring meeting imported; 1 async candidate; 1 converted or stopped.");
  });

  it("measures attendee-hours per week four weeks before and after the conversion", async () => {
    const cells = async (): Promise<string[]> => {
      const page = await (await manager.get("/calendar-audit/tracker")).text();
      const section = page.slice(page.indexOf('id="ca-before-after"'));
      const row = /<th scope="row"[^>]*>\s*Weekly status meeting\s*<\/th>([\s\S]*?)<\/tr>/.exec(section)?.[1] ?? "";
      return [...row.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => (m[1] as string).replace(/\s+/g, " ").trim());
    };
    // Still on the calendar: Mondays 2, 9, 16, 23 February before, 2, 9, 16, 23 March after.
    expect(await cells()).toEqual(["converted 2026-03-02", "3.5", "3.5", "€0"]);

    // The calendar is re-imported after the meeting stopped: its occurrences from March are gone.
    await upload(statusIcs("20260224T000000Z"));
    const [left] = await t.ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(meetingOccurrences)
      .where(
        and(eq(meetingOccurrences.seriesId, seriesId), sql`${meetingOccurrences.start} >= '2026-03-02T00:00:00Z'`),
      );
    expect(Number(left?.n)).toBe(0);
    // Cost per month: 52/12 weeks × 1 h × (manager 110 + two members at 75 + ½ × 75) = €1,289.
    expect(await cells()).toEqual(["converted 2026-03-02", "3.5", "0.0", "€1,289"]);
  });
});

describe("calendar-audit demo data", () => {
  it("imports a calendar of recurring meetings for every demo team", async () => {
    const d = await testApp({ plugins: ["calendar-audit"], setup: false });
    try {
      await d.loadDemo();
      const all = await d.ctx.db.select({ id: teams.id, name: teams.name }).from(teams);
      expect(all.length).toBeGreaterThan(0);
      const perTeam = await d.ctx.db
        .select({
          teamId: meetingSeries.teamId,
          n: sql<number>`count(*)::int`,
          status: sql<number>`count(*) filter (where ${meetingSeries.category} = 'status')::int`,
          oneOnOne: sql<number>`count(*) filter (where ${meetingSeries.category} = 'one-on-one')::int`,
        })
        .from(meetingSeries)
        .where(eq(meetingSeries.recurring, true))
        .groupBy(meetingSeries.teamId);
      const byTeam = new Map(perTeam.map((r) => [r.teamId, r]));
      for (const team of all) {
        const row = byTeam.get(team.id);
        // Eight team meetings plus a 1:1 between the manager and each member.
        expect(Number(row?.n)).toBeGreaterThan(8);
        expect(Number(row?.status)).toBeGreaterThan(0);
        expect(Number(row?.oneOnOne)).toBeGreaterThan(0);
      }
      const [occurrences] = await d.ctx.db.select({ n: sql<number>`count(*)::int` }).from(meetingOccurrences);
      expect(Number(occurrences?.n)).toBeGreaterThan(100);
      expect(perTeam.every((r) => r.teamId !== null)).toBe(true);
    } finally {
      await d.close();
    }
  }, 60_000);
});
