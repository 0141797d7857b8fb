import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog } from "../org/schema.ts";
import type { TestApp } from "../testing/test-app.ts";
import { testApp } from "../testing/test-app.ts";
import { people, teamHolidays, teamMembers, teams } from "./schema.ts";
import { findTeam, membersOf } from "./teams.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

/** Creates a team through the admin form and returns its id. */
async function createTeam(name: string, timeZone = "Europe/Berlin"): Promise<string> {
  const admin = await t.signedIn("admin");
  const res = await admin.post("/admin/teams", { name, timeZone });
  expect(res.status).toBe(303);
  return (res.headers.get("Location") ?? "").replace("/admin/teams/", "");
}

const membership = async (teamId: string, personId: string) => {
  const [row] = await t.ctx.db
    .select()
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.personId, personId)));
  return row ?? null;
};

describe("who may administer teams", () => {
  it("turns members and managers away from every team admin route with 403 and changes nothing", async () => {
    const teamId = await createTeam("Guarded");
    const person = await t.person();
    for (const role of ["member", "manager"] as const) {
      const browser = await t.signedIn(role);
      expect((await browser.get("/admin/teams")).status).toBe(403);
      expect((await browser.get(`/admin/teams/${teamId}`)).status).toBe(403);
      expect((await browser.post("/admin/teams", { name: "Sneaky", timeZone: "UTC" })).status).toBe(403);
      expect((await browser.post(`/admin/teams/${teamId}`, { name: "Renamed", timeZone: "UTC" })).status).toBe(403);
      expect((await browser.post(`/admin/teams/${teamId}/members`, { personId: person.id })).status).toBe(403);
      expect((await browser.post(`/admin/teams/${teamId}/delete`)).status).toBe(403);
    }
    expect((await findTeam(t.ctx.db, teamId))?.name).toBe("Guarded");
    expect(await membership(teamId, person.id)).toBeNull();
  });

  it("answers 404 for a team id that is not a uuid or not a team", async () => {
    const admin = await t.signedIn("admin");
    expect((await admin.get("/admin/teams/nope")).status).toBe(404);
    expect((await admin.get("/admin/teams/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });
});

describe("creating teams", () => {
  it("creates a team and opens its page; the list shows its zone, member count and managers", async () => {
    const admin = await t.signedIn("admin");
    const form = await (await admin.get("/admin/teams")).text();
    expect(form).toContain('name="name"');
    expect(form).toContain('name="timeZone"');
    expect(form).toContain(">Create team</button>");

    const res = await admin.post("/admin/teams", { name: "  Payments ", timeZone: "America/Chicago" });
    expect(res.status).toBe(303);
    const teamId = (res.headers.get("Location") ?? "").replace("/admin/teams/", "");
    expect(await findTeam(t.ctx.db, teamId)).toMatchObject({ name: "Payments", timeZone: "America/Chicago" });

    const lead = await t.person({ name: "Lea Lead" });
    const dev = await t.person({ name: "Dev Eloper" });
    const gone = await t.person({ name: "Gone Person" });
    await t.ctx.db.update(people).set({ status: "deactivated" }).where(eq(people.id, gone.id));
    await t.ctx.db.insert(teamMembers).values([
      { teamId, personId: lead.id, isManager: true },
      { teamId, personId: dev.id },
      { teamId, personId: gone.id, isManager: true },
    ]);
    const list = await (await admin.get("/admin/teams")).text();
    const row = list.slice(list.indexOf(`/admin/teams/${teamId}`));
    expect(row).toMatch(/Payments<\/a><\/th><td[^>]*>America\/Chicago<\/td><td[^>]*>2<\/td><td[^>]*>Lea Lead<\/td>/);

    const [entry] = await t.ctx.db.select().from(auditLog).where(eq(auditLog.target, teamId));
    expect(entry).toMatchObject({ actorId: admin.person.id, action: "team.created" });
  });

  it("refuses a name another team has (in any case) with 422 on the name field, creating nothing", async () => {
    await createTeam("Growth");
    const admin = await t.signedIn("admin");
    const before = await t.ctx.db.$count(teams);
    const res = await admin.post("/admin/teams", { name: "GROWTH", timeZone: "UTC" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("There is already a team called “GROWTH”.");
    expect(html).toContain('aria-invalid="true"');
    expect(await t.ctx.db.$count(teams)).toBe(before);
  });

  it("refuses an unknown time zone or an empty name with 422, creating nothing", async () => {
    const admin = await t.signedIn("admin");
    const before = await t.ctx.db.$count(teams);
    const res = await admin.post("/admin/teams", { name: "", timeZone: "Europe/Atlantis" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Team name is required.");
    expect(html).toContain("Choose a time zone from the list");
    expect(await t.ctx.db.$count(teams)).toBe(before);
  });
});

describe("changing a team", () => {
  it("renames a team and changes its time zone", async () => {
    const teamId = await createTeam("Old Name");
    const admin = await t.signedIn("admin");
    const res = await admin.post(`/admin/teams/${teamId}`, { name: "New Name", timeZone: "Asia/Kolkata" });
    expect(res.status).toBe(303);
    expect(await findTeam(t.ctx.db, teamId)).toMatchObject({ name: "New Name", timeZone: "Asia/Kolkata" });
  });

  it("refuses renaming to another team's name with 422 and keeps the old name", async () => {
    await createTeam("Taken Name");
    const teamId = await createTeam("Keeps Its Name");
    const admin = await t.signedIn("admin");
    const res = await admin.post(`/admin/teams/${teamId}`, { name: "taken name", timeZone: "UTC" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("There is already a team called");
    expect(await findTeam(t.ctx.db, teamId)).toMatchObject({ name: "Keeps Its Name", timeZone: "Europe/Berlin" });
  });

  it("deletes a team with its memberships and holidays, asking for confirmation first", async () => {
    const teamId = await createTeam("Short Lived");
    const person = await t.person();
    await t.ctx.db.insert(teamMembers).values({ teamId, personId: person.id });
    await t.ctx.db.insert(teamHolidays).values({ teamId, day: "2026-12-24", name: "Eve" });
    const admin = await t.signedIn("admin");
    const page = await (await admin.get(`/admin/teams/${teamId}`)).text();
    expect(page).toMatch(
      /action="\/admin\/teams\/[0-9a-f-]+\/delete" class="inline-form" data-confirm="Delete the team/,
    );

    const res = await admin.post(`/admin/teams/${teamId}/delete`);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/teams");
    expect(await findTeam(t.ctx.db, teamId)).toBeNull();
    expect(await membership(teamId, person.id)).toBeNull();
    expect(await t.ctx.db.$count(teamHolidays, eq(teamHolidays.teamId, teamId))).toBe(0);
    // People stay.
    expect(await t.ctx.db.$count(people, eq(people.id, person.id))).toBe(1);
  });
});

describe("team members", () => {
  it("offers only active people who are not on the team yet", async () => {
    const teamId = await createTeam("Candidates");
    const inTeam = await t.person({ name: "Already In" });
    const gone = await t.person({ name: "Deactivated Dan" });
    const free = await t.person({ name: "Free Fran" });
    await t.ctx.db.update(people).set({ status: "deactivated" }).where(eq(people.id, gone.id));
    await t.ctx.db.insert(teamMembers).values({ teamId, personId: inTeam.id });
    const admin = await t.signedIn("admin");
    const html = await (await admin.get(`/admin/teams/${teamId}`)).text();
    const select = html.slice(
      html.indexOf('<select id="f-personId"'),
      html.indexOf("</select>", html.indexOf('id="f-personId"')),
    );
    expect(select).toContain(free.id);
    expect(select).not.toContain(inTeam.id);
    expect(select).not.toContain(gone.id);
  });

  it("adds a member as manager, switches the manager flag off and on, and removes them", async () => {
    const teamId = await createTeam("Crew");
    const person = await t.person({ name: "Crew Member" });
    const admin = await t.signedIn("admin");

    expect((await admin.post(`/admin/teams/${teamId}/members`, { personId: person.id, manager: "on" })).status).toBe(
      303,
    );
    expect(await membership(teamId, person.id)).toMatchObject({ isManager: true });
    expect(await (await admin.get(`/admin/teams/${teamId}`)).text()).toContain("Remove as manager");

    const base = `/admin/teams/${teamId}/members/${person.id}`;
    expect((await admin.post(`${base}/manager`, { isManager: "false" })).status).toBe(303);
    expect(await membership(teamId, person.id)).toMatchObject({ isManager: false });
    // The same submit twice keeps the state it asked for.
    await admin.post(`${base}/manager`, { isManager: "false" });
    expect(await membership(teamId, person.id)).toMatchObject({ isManager: false });
    // Without a target state the flag flips.
    await admin.post(`${base}/manager`);
    expect(await membership(teamId, person.id)).toMatchObject({ isManager: true });

    expect((await admin.post(`${base}/remove`)).status).toBe(303);
    expect(await membership(teamId, person.id)).toBeNull();
    expect((await admin.post(`${base}/remove`)).status).toBe(404);

    const actions = await t.ctx.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.target, teamId));
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(["team.member-added", "team.manager-changed", "team.member-removed"]),
    );
  });

  it("refuses adding someone twice, a deactivated person, or no one, with 422 and no change", async () => {
    const teamId = await createTeam("No Doubles");
    const person = await t.person();
    const gone = await t.person();
    await t.ctx.db.update(people).set({ status: "deactivated" }).where(eq(people.id, gone.id));
    const admin = await t.signedIn("admin");
    await admin.post(`/admin/teams/${teamId}/members`, { personId: person.id });

    const twice = await admin.post(`/admin/teams/${teamId}/members`, { personId: person.id, manager: "on" });
    expect(twice.status).toBe(422);
    expect(await twice.text()).toContain("That person is already on this team.");
    expect(await membership(teamId, person.id)).toMatchObject({ isManager: false });

    expect((await admin.post(`/admin/teams/${teamId}/members`, { personId: gone.id })).status).toBe(422);
    expect((await admin.post(`/admin/teams/${teamId}/members`, { personId: "" })).status).toBe(422);
    expect(await membersOf(t.ctx.db, teamId)).toHaveLength(1);
  });
});

describe("team holidays", () => {
  it("adds holidays in date order and deletes one", async () => {
    const teamId = await createTeam("Holiday Makers");
    const admin = await t.signedIn("admin");
    expect(
      (await admin.post(`/admin/teams/${teamId}/holidays`, { holidayDate: "2026-12-26", holidayName: "Boxing Day" }))
        .status,
    ).toBe(303);
    await admin.post(`/admin/teams/${teamId}/holidays`, { holidayDate: "2026-12-25", holidayName: "Christmas Day" });
    const html = await (await admin.get(`/admin/teams/${teamId}`)).text();
    expect(html.indexOf("Christmas Day")).toBeLessThan(html.indexOf("Boxing Day"));
    expect(html).toContain("Fri, 25 Dec 2026");

    const [boxing] = await t.ctx.db.select().from(teamHolidays).where(eq(teamHolidays.name, "Boxing Day"));
    const res = await admin.post(`/admin/teams/${teamId}/holidays/${boxing?.id}/delete`);
    expect(res.status).toBe(303);
    expect(await t.ctx.db.$count(teamHolidays, eq(teamHolidays.teamId, teamId))).toBe(1);
  });

  it("refuses a second holiday on the same date with 422 on the date field", async () => {
    const teamId = await createTeam("One Per Day");
    const admin = await t.signedIn("admin");
    await admin.post(`/admin/teams/${teamId}/holidays`, { holidayDate: "2026-05-01", holidayName: "Labour Day" });
    const res = await admin.post(`/admin/teams/${teamId}/holidays`, {
      holidayDate: "2026-05-01",
      holidayName: "Again",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("This team already has a holiday on that date.");
    expect(await t.ctx.db.$count(teamHolidays, eq(teamHolidays.teamId, teamId))).toBe(1);
  });

  it("refuses an impossible date with 422", async () => {
    const teamId = await createTeam("Calendar Check");
    const admin = await t.signedIn("admin");
    const res = await admin.post(`/admin/teams/${teamId}/holidays`, { holidayDate: "2026-02-30", holidayName: "Nope" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Enter the date as YYYY-MM-DD.");
  });

  it("deletes only holidays of the team in the address", async () => {
    const mine = await createTeam("Mine Holidays");
    const theirs = await createTeam("Their Holidays");
    const [holiday] = await t.ctx.db
      .insert(teamHolidays)
      .values({ teamId: theirs, day: "2026-07-04", name: "Theirs" })
      .returning();
    const admin = await t.signedIn("admin");
    expect((await admin.post(`/admin/teams/${mine}/holidays/${holiday?.id}/delete`)).status).toBe(404);
    expect(await t.ctx.db.$count(teamHolidays, eq(teamHolidays.teamId, theirs))).toBe(1);
  });
});
