import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { type Harness, startHarness, watchConsole } from "./harness.ts";
import { owner, setUpOrganization } from "./steps.ts";

// Both briefs journeys in real browsers: a kickoff brief from draft to the decisions log, and a
// blind hiring debrief in which one interviewer cannot read another's note before writing theirs.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const team = "Platform";
const ana = { name: "Ana Interviewer", email: "ana@acme.example", password: "ana's long password" };
const ben = { name: "Ben Interviewer", email: "ben@acme.example", password: "ben's long password" };

/** The owner invites a colleague to the team; the colleague joins in a browser of their own. */
async function invite(page: Page, who: typeof ana): Promise<Page> {
  await page.goto("/admin/invites");
  await page.fill('[name="email"]', who.email);
  await page.fill('[name="name"]', who.name);
  await page.selectOption('[name="role"]', "member");
  await page.selectOption('[name="teamId"]', { label: team });
  await page.getByRole("button", { name: "Create invite" }).click();
  const link = page.locator("input#invite-link");
  await link.waitFor();
  const url = await link.inputValue();
  const guest = await h.newPage();
  await guest.page.goto(url);
  await guest.page.fill('[name="name"]', who.name);
  await guest.page.fill('[name="password"]', who.password);
  await guest.page.getByRole("button", { name: "Join" }).click();
  await guest.page.waitForURL((u) => !u.pathname.startsWith("/invite/"));
  return guest.page;
}

/** A `datetime-local` value `minutes` from now in Europe/Berlin (everyone's zone here). */
function localInput(minutes: number): string {
  return Temporal.Now.instant()
    .add({ minutes })
    .toZonedDateTimeISO("Europe/Berlin")
    .toPlainDateTime()
    .toString({ smallestUnit: "minute" });
}

let ownerPage: Page;
let anaPage: Page;
let benPage: Page;
const problems: string[] = [];

describe("briefs", () => {
  it("sets up an organization with two colleagues", async () => {
    ownerPage = (await h.newPage()).page;
    problems.push(...watchConsole(ownerPage));
    await setUpOrganization(ownerPage);
    await ownerPage.goto("/admin/teams");
    await ownerPage.fill('[name="name"]', team);
    await ownerPage.fill('[name="timeZone"]', "Europe/Berlin");
    await ownerPage.getByRole("button", { name: "Create team" }).click();
    await ownerPage.getByText(team).first().waitFor();
    anaPage = await invite(ownerPage, ana);
    benPage = await invite(ownerPage, ben);
    expect(owner.email).toContain("@");
  });

  it("takes a kickoff brief from draft through review to the decisions log", async () => {
    const page = ownerPage;
    await page.goto("/briefs/new");
    await page.fill('[name="title"]', "Written kickoffs for every project");
    await page.selectOption('[name="teamId"]', { label: team });
    await page.getByRole("button", { name: "Create draft" }).click();
    await page.waitForURL(/\/briefs\/[0-9a-f-]{36}$/);
    const briefUrl = page.url();
    await page.getByRole("heading", { name: "Send for review" }).waitFor();
    await h.screenshot(page, "briefs-draft");
    await page.getByRole("group", { name: "Reviewers" }).getByLabel(ana.name).check();
    await page.fill('[name="commentDeadline"]', localInput(24 * 60));
    await page.getByRole("button", { name: "Send for review" }).click();
    await page.getByText("In review").first().waitFor();
    await h.screenshot(page, "briefs-in-review");

    // Ana comments on the Proposal paragraph.
    await anaPage.goto(briefUrl);
    const proposal = anaPage.locator("#p4");
    await proposal.locator("summary", { hasText: "Comment" }).click();
    await proposal.getByLabel("Your comment").fill("Can the template be shorter?");
    await proposal.getByRole("button", { name: "Comment" }).click();
    await anaPage.locator("#p4").getByText("Can the template be shorter?").waitFor();
    await h.screenshot(anaPage, "briefs-comment");

    await page.goto(briefUrl);
    await page.locator("#p4").getByText("Can the template be shorter?").waitFor();
    await page.fill('[name="synthesis"]', "Reviewers want a shorter template; we keep six headings.");
    await page.getByRole("button", { name: "Close comments" }).click();
    await page.fill('[name="decision"]', "Every project starts with a one-page brief.");
    await page.getByRole("button", { name: "Record decision" }).click();
    await page.getByRole("link", { name: "In the decisions log" }).click();
    await page.getByRole("heading", { name: "Written kickoffs for every project" }).waitFor();

    await anaPage.goto("/briefs/decisions?q=kickoffs");
    await anaPage.getByRole("link", { name: "Written kickoffs for every project" }).waitFor();
    await h.screenshot(anaPage, "briefs-decisions-log");
    await anaPage.setViewportSize({ width: 390, height: 844 });
    await anaPage.goto(briefUrl);
    await h.screenshot(anaPage, "briefs-decided-mobile");
    await anaPage.setViewportSize({ width: 1280, height: 900 });
  });

  it("keeps a debrief blind until the interviewer submits, then the hiring manager decides", async () => {
    const page = ownerPage;
    await page.goto("/briefs/interviews/new");
    await page.fill('[name="candidateName"]', "Casey Candidate");
    await page.fill('[name="role"]', "Backend engineer");
    await page.selectOption('[name="teamId"]', { label: team });
    await page.fill('[name="startsAt"]', localInput(-90));
    await page.fill('[name="endsAt"]', localInput(-30));
    const interviewers = page.getByRole("group", { name: "Interviewers" });
    await interviewers.getByLabel(ana.name).check();
    await interviewers.getByLabel(ben.name).check();
    await page.getByRole("button", { name: "Create interview" }).click();
    await page.waitForURL(/\/briefs\/interviews\/[0-9a-f-]{36}$/);
    const interviewUrl = page.url();

    const writeNote = async (p: Page, evidence: string, recommendation: string) => {
      await p.goto(interviewUrl);
      for (const label of ["Problem solving", "Communication", "Collaboration", "Craft"]) {
        await p.getByRole("combobox", { name: label }).selectOption("3");
      }
      await p.getByLabel("Evidence").fill(evidence);
      await p.getByLabel("Recommendation").selectOption({ label: recommendation });
      await p.getByRole("button", { name: "Submit my note" }).click();
      await p.getByText("Note submitted").waitFor();
    };

    await writeNote(benPage, "Ben saw strong debugging under pressure.", "No hire");

    // Ana cannot read Ben's note before she writes hers.
    await anaPage.goto(interviewUrl);
    await anaPage.getByText("appear here once you submit yours").waitFor();
    expect(await anaPage.content()).not.toContain("strong debugging");
    await h.screenshot(anaPage, "briefs-debrief-blind");
    await writeNote(anaPage, "Ana saw clear written communication.", "Hire");
    await anaPage.getByText("strong debugging").waitFor();

    // The hiring manager sees both, synthesizes and decides.
    await page.goto(interviewUrl);
    await page.getByText("strong debugging").waitFor();
    await page.getByText("clear written communication").waitFor();
    await page
      .getByRole("textbox", { name: "Synthesis" })
      .fill("Split panel; communication outweighs the debugging concern.");
    await page.getByRole("button", { name: "Write synthesis and lock notes" }).click();
    await page.getByRole("combobox", { name: "Decision" }).selectOption({ label: "Hire" });
    await page.getByRole("textbox", { name: "Why" }).fill("Communication matters most in this remote team.");
    await page.getByRole("button", { name: "Record decision" }).click();
    await page.getByRole("heading", { name: "Hiring decision for Backend engineer: hire" }).waitFor();
    await h.screenshot(page, "briefs-hiring-decision");
    expect(problems).toEqual([]);
  });
});
