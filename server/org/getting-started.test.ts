import { afterAll, describe, expect, it } from "bun:test";
import { dashboardOf } from "../testing/dashboard.ts";
import { testApp } from "../testing/test-app.ts";

// After setup, the owner's home page says what to do next, with a button for each step, and
// explains how to look at the demo; the steps go away as they are done.

const t = await testApp({ setup: false });
afterAll(() => t.close());

describe("getting started", () => {
  it("walks the new owner through teams, invites and membership, then gets out of the way", async () => {
    const owner = t.client();
    const setup = await owner.post("/setup", {
      orgName: "Acme",
      emailDomains: "acme.example",
      defaultTimeZone: "Europe/Berlin",
      ownerName: "Olga Owner",
      ownerEmail: "olga@acme.example",
      password: "correct horse battery staple",
    });
    expect(setup.status).toBe(303);

    const first = await dashboardOf(owner);
    expect(first).toContain("Getting started");
    expect(first).not.toContain("An admin adds people to teams.");
    expect(first).toContain('href="/admin/teams">Create a team');
    expect(first).toContain('href="/admin/invites">Invite people');
    expect(first).toContain("npx desktrust demo");
    expect(first).toContain('href="/admin/teams">Manage teams');

    expect((await owner.post("/admin/teams", { name: "Platform", timeZone: "Europe/Berlin" })).status).toBe(303);
    const second = await dashboardOf(owner);
    expect(second).not.toContain('href="/admin/teams">Create a team');
    expect(second).toContain('href="/admin/invites">Invite people');

    // A member sees no steps (they could not take them) and the plain explanation.
    const member = await t.signedIn("member");
    const theirs = await dashboardOf(member);
    expect(theirs).not.toContain("Getting started");
    expect(theirs).toContain("An admin adds people to teams.");
    expect(theirs).not.toContain('href="/admin/teams"');

    // With a second person in, the invite step is done; once someone is on the team, all are.
    const afterInvite = await dashboardOf(owner);
    expect(afterInvite).not.toContain('href="/admin/invites">Invite people');
    const teamId = /href="\/admin\/teams\/([0-9a-f-]{36})"/.exec(await (await owner.get("/admin/teams")).text())?.[1];
    const added = await owner.post(`/admin/teams/${teamId}/members`, { personId: member.person.id });
    expect(added.status).toBe(303);
    expect(await dashboardOf(owner)).not.toContain("Getting started");
  });
});
