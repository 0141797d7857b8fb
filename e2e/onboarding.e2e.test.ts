import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Harness, startHarness, watchConsole } from "./harness.ts";
import { logOut, owner, setUpOrganization, signIn } from "./steps.ts";

// The whole onboarding journey: an owner sets up the organization, creates a team, invites a
// colleague to it; the colleague joins through the link in a browser of their own and sees the
// team; the owner sees them on the team's page.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const team = { name: "Platform", timeZone: "America/New_York" };
const newcomer = { name: "Nia Newcomer", email: "nia@acme.example", password: "nia's long password" };

describe("onboarding a team", () => {
  it("goes from an empty install to a member who sees their team", async () => {
    const { page, context } = await h.newPage();
    const problems = watchConsole(page);
    await setUpOrganization(page);
    await logOut(page);
    await signIn(page, owner.email, owner.password);

    // Home says what to do next, with a button for each step.
    await page.goto("/");
    await page.getByRole("heading", { name: "Getting started" }).waitFor();
    await h.screenshot(page, "home-getting-started");
    await page.getByRole("link", { name: "Create a team" }).click();

    // The owner creates a team.
    await page.waitForURL("**/admin/teams");
    await page.fill('[name="name"]', team.name);
    await page.fill('[name="timeZone"]', team.timeZone);
    await page.getByRole("button", { name: "Create team" }).click();
    await page.getByText(team.name).first().waitFor();

    // …and invites a colleague to it.
    await page.goto("/admin/invites");
    await page.fill('[name="email"]', newcomer.email);
    await page.fill('[name="name"]', newcomer.name);
    await page.selectOption('[name="role"]', "member");
    await page.selectOption('[name="teamId"]', { label: team.name });
    await page.getByRole("button", { name: "Create invite" }).click();
    const link = page.locator("input#invite-link");
    await link.waitFor();
    const inviteUrl = await link.inputValue();
    expect(inviteUrl).toContain("/invite/");

    // The colleague opens the link in a browser of their own and joins.
    const guest = await h.newPage();
    const guestProblems = watchConsole(guest.page);
    await guest.page.goto(inviteUrl);
    await guest.page.fill('[name="name"]', newcomer.name);
    await guest.page.fill('[name="password"]', newcomer.password);
    await guest.page.getByRole("button", { name: "Join" }).click();
    await guest.page.waitForURL((url) => !url.pathname.startsWith("/invite/"));
    await guest.page.goto("/teams");
    await guest.page.getByRole("link", { name: team.name }).first().waitFor();
    await h.screenshot(guest.page, "member-teams");

    // The owner sees the newcomer on the team's page.
    await page.goto("/teams");
    await page.getByRole("link", { name: team.name }).first().click();
    await page.waitForURL(/\/teams\/[0-9a-f-]{36}$/);
    await page.getByText(newcomer.name).first().waitFor();
    await h.screenshot(page, "team-page");

    expect([...problems, ...guestProblems]).toEqual([]);
    await guest.context.close();
    await context.close();
  });
});
