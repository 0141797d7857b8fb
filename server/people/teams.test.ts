import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import type { TestApp } from "../testing/test-app.ts";
import { testApp } from "../testing/test-app.ts";
import { people, teamHolidays, teamMembers, teams } from "./schema.ts";

let t: TestApp;
// Monday 2 March 2026, 09:00 UTC.
beforeAll(async () => {
  t = await testApp({ now: "2026-03-02T09:00:00Z" });
});
afterAll(() => t.close());

async function team(name: string, timeZone: string, members: { id: string; manager?: boolean }[]): Promise<string> {
  const [row] = await t.ctx.db.insert(teams).values({ name, timeZone }).returning();
  const id = (row as { id: string }).id;
  if (members.length)
    await t.ctx.db
      .insert(teamMembers)
      .values(members.map((m) => ({ teamId: id, personId: m.id, isManager: m.manager ?? false })));
  return id;
}

describe("your teams", () => {
  it("lists the teams you belong to, and not the others", async () => {
    const browser = await t.signedIn("member");
    await team("Yours One", "UTC", [{ id: browser.person.id, manager: true }]);
    await team("Yours Two", "UTC", [{ id: browser.person.id }]);
    await team("Not Yours", "UTC", []);
    const html = await (await browser.get("/teams")).text();
    expect(html).toContain("Yours One");
    expect(html).toContain("Yours Two");
    expect(html).toContain("You manage this team");
    expect(html).not.toContain("Not Yours");
    expect(html).not.toContain('href="/admin/teams"');
  });

  it("says so when you are on no team", async () => {
    const browser = await t.signedIn("member");
    expect(await (await browser.get("/teams")).text()).toContain("You are not on a team yet.");
  });

  it("gives admins a link to manage teams", async () => {
    const admin = await t.signedIn("admin");
    expect(await (await admin.get("/teams")).text()).toContain('href="/admin/teams"');
  });

  it("sends visitors who are not signed in to the login page", async () => {
    const res = await t.client().get("/teams");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/login?next=%2Fteams");
  });
});

describe("a team's page", () => {
  it("shows the team's zone, managers, active members with their local time, and upcoming holidays", async () => {
    const me = await t.person({ name: "Mia Member", timeZone: "Europe/Berlin" });
    const boss = await t.person({ name: "Bo Boss", timeZone: "Asia/Tokyo" });
    const gone = await t.person({ name: "Gone Gary" });
    await t.ctx.db.update(people).set({ status: "deactivated" }).where(eq(people.id, gone.id));
    const teamId = await team("Harbour", "America/New_York", [
      { id: me.id },
      { id: boss.id, manager: true },
      { id: gone.id },
    ]);
    await t.ctx.db.insert(teamHolidays).values([
      { teamId, day: "2026-02-16", name: "Presidents Day" },
      { teamId, day: "2026-05-25", name: "Memorial Day" },
    ]);

    const browser = await t.signedIn(me);
    const res = await browser.get(`/teams/${teamId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Harbour");
    // 09:00 UTC is 04:00 in New York, 10:00 in Berlin and 18:00 in Tokyo.
    expect(html).toContain("America/New_York · now Mon 04:00");
    expect(html).toMatch(/Mia Member.*Europe\/Berlin<\/td><td[^>]*>Mon 10:00/);
    expect(html).toMatch(/Bo Boss.*Manager.*Asia\/Tokyo<\/td><td[^>]*>Mon 18:00/);
    expect(html).toMatch(/<dt>Manager<\/dt><dd>Bo Boss<\/dd>/);
    expect(html).not.toContain("Gone Gary");
    expect(html).toContain("Memorial Day");
    expect(html).not.toContain("Presidents Day");
  });

  it("is forbidden to someone who is not on the team", async () => {
    const teamId = await team("Private Crew", "UTC", [{ id: (await t.person()).id }]);
    const outsider = await t.signedIn("manager");
    const res = await outsider.get(`/teams/${teamId}`);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("Private Crew");
  });

  it("is open to admins who are not on the team", async () => {
    const teamId = await team("Admin Visible", "UTC", []);
    const admin = await t.signedIn("admin");
    expect((await admin.get(`/teams/${teamId}`)).status).toBe(200);
  });

  it("answers 404 for a team id that is not a uuid or not a team", async () => {
    const browser = await t.signedIn("member");
    expect((await browser.get("/teams/abc")).status).toBe(404);
    expect((await browser.get("/teams/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });
});

describe("a team's page with the plugins enabled", () => {
  it("links the team's updates, response-time charter and activity", async () => {
    const app = await testApp({ plugins: "*" });
    try {
      const browser = await app.signedIn("member");
      const [row] = await app.ctx.db.insert(teams).values({ name: "Lighthouse", timeZone: "UTC" }).returning();
      const id = (row as { id: string }).id;
      await app.ctx.db.insert(teamMembers).values({ teamId: id, personId: browser.person.id });
      const html = await (await browser.get(`/teams/${id}`)).text();
      expect(html).toContain(`href="/status-updates?team=${id}"`);
      expect(html).toContain(`href="/sla/teams/${id}"`);
      expect(html).toContain(`href="/activity/teams/${id}"`);
      // Each link opens for a member of the team.
      for (const path of [`/status-updates?team=${id}`, `/sla/teams/${id}`, `/activity/teams/${id}`]) {
        expect({ path, status: (await browser.get(path)).status }).toEqual({ path, status: 200 });
      }
    } finally {
      await app.close();
    }
  });
});
