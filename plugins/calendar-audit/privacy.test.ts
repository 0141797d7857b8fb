import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Person } from "../../server/people/people.ts";
import { teamMembers, teams } from "../../server/people/schema.ts";
import { type TestApp, type TestClient, testApp } from "../../server/testing/test-app.ts";

// A calendar uploaded as "My calendar" shows a series to a team only when another member of that
// team attends it; everything else stays with its owner, on every view, export and API.
let t: TestApp;
let owner: TestClient & { person: Person };
let teammate: TestClient & { person: Person };
let manager: TestClient & { person: Person };
let admin: TestClient & { person: Person };

function personalIcs(ownerEmail: string, teammateEmail: string): string {
  const weekly = (uid: string, summary: string, attendees: string[]): string[] => [
    "BEGIN:VEVENT",
    `UID:${uid}`,
    "DTSTART;TZID=Europe/Berlin:20260302T100000",
    "DURATION:PT1H",
    "RRULE:FREQ=WEEKLY",
    `SUMMARY:${summary}`,
    ...attendees.map((e) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${e}`),
    "END:VEVENT",
  ];
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    ...weekly("therapy@private", "Therapy session", [ownerEmail, "dr.lee@clinic.example"]),
    ...weekly("design-sync@private", "Design sync", [ownerEmail, teammateEmail]),
    "END:VCALENDAR",
  ].join("\r\n");
}

beforeAll(async () => {
  t = await testApp({ plugins: ["calendar-audit"] });
  const [team] = await t.ctx.db.insert(teams).values({ name: "Design", timeZone: "UTC" }).returning();
  const teamId = (team as { id: string }).id;
  owner = await t.signedIn("member");
  teammate = await t.signedIn("member");
  manager = await t.signedIn("manager");
  admin = await t.signedIn("admin");
  await t.ctx.db.insert(teamMembers).values([
    { teamId, personId: owner.person.id },
    { teamId, personId: teammate.person.id },
    { teamId, personId: manager.person.id, isManager: true },
  ]);
  const form = new FormData();
  form.append("files", new File([personalIcs(owner.person.email, teammate.person.email)], "mine.ics"));
  form.append("target", "me");
  expect((await owner.request("/calendar-audit/upload", { method: "POST", body: form })).status).toBe(303);
  await t.ctx.tasks.settled();
}, 30_000);
afterAll(() => t.close());

async function seriesIdOf(client: TestClient, summary: string): Promise<string | undefined> {
  const body = (await (await client.get("/api/calendar-audit/series")).json()) as {
    series: { id: string; summary: string }[];
  };
  return body.series.find((s) => s.summary === summary)?.id;
}

describe("personal calendars", () => {
  it("shows the owner every series of their own calendar, on the page, the API and the series page", async () => {
    const page = await (await owner.get("/calendar-audit")).text();
    expect(page).toContain("Therapy session");
    expect(page).toContain("Design sync");
    const id = await seriesIdOf(owner, "Therapy session");
    expect(id).toBeDefined();
    expect((await owner.get(`/calendar-audit/series/${id}`)).status).toBe(200);
  });

  it("shows the team a series another team member attends", async () => {
    for (const viewer of [teammate, manager, admin]) {
      expect(await (await viewer.get("/calendar-audit")).text()).toContain("Design sync");
      expect(await seriesIdOf(viewer, "Design sync")).toBeDefined();
    }
    expect(await (await manager.get("/calendar-audit/report.csv")).text()).toContain("Design sync");
  });

  it("keeps a series no teammate attends from the team, the manager and admins, on every view", async () => {
    const id = (await seriesIdOf(owner, "Therapy session")) as string;
    for (const viewer of [teammate, manager, admin]) {
      expect(await (await viewer.get("/calendar-audit")).text()).not.toContain("Therapy session");
      expect(await seriesIdOf(viewer, "Therapy session")).toBeUndefined();
      expect((await viewer.get(`/calendar-audit/series/${id}`)).status).toBe(404);
    }
    for (const viewer of [manager, admin]) {
      for (const path of ["/calendar-audit/report", "/calendar-audit/report.csv", "/calendar-audit/tracker"]) {
        const res = await viewer.get(path);
        expect(res.status).toBe(200);
        expect(await res.text()).not.toContain("Therapy session");
      }
    }
  });
});
