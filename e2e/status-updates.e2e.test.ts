import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Harness, startHarness, watchConsole } from "./harness.ts";
import { loadDemo, logOut, signIn } from "./steps.ts";

// The weekly update journey on the demo organization: a Platform engineer writes an update with
// an ask, sees the live writing hints change as they fix the bottom line, posts it, finds it in
// the team feed; the teammate they asked comments, and the ask shows as answered.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const password = "demo-password";

describe("status updates", () => {
  it("writes an update with an ask, lints it live, posts it, and the addressee answers", async () => {
    const { page } = await h.newPage();
    const problems = watchConsole(page);
    await page.goto("/");
    await page.waitForURL("**/setup");
    await loadDemo(page);
    await logOut(page);
    await signIn(page, "esi@northwind.example", password);

    // The dashboard card offers to write this week's update.
    await page.getByRole("link", { name: "Write" }).first().click();
    await page.waitForURL(/\/status-updates\/write/);

    // A bottom line that opens with background: the live linter says so.
    const bottom = page.getByLabel("Bottom line");
    await bottom.fill("Hi all, as you know we looked at the billing service for a while.");
    await page.getByLabel("Ask").fill("Could someone review the rollout plan?");
    const hints = page.locator("#status-updates-hints");
    await hints.getByText("Lead with the bottom line").waitFor();
    await hints.getByText("Name who you are asking").waitFor();
    await h.screenshot(page, "status-updates-composer-hints");

    // Fixing the writing clears those hints; the draft autosaves.
    await bottom.fill("The billing migration is on track for Friday.");
    await page.getByLabel("Ask").fill("@ivo please review the rollout plan by Thursday.");
    await page.getByLabel("Progress").fill("- Migrated 40 of 52 accounts\n- Wrote the rollback runbook");
    await page.getByLabel("Risks/blockers").fill("None.");
    await hints.getByText("Reads well").waitFor();
    await page.locator("#status-updates-autosave").getByText("Draft saved").waitFor();

    await page.getByRole("button", { name: "Post update" }).click();
    await page.waitForURL(/\/status-updates\/updates\/[0-9a-f-]{36}$/);
    const updateUrl = page.url();
    await page.getByText("The billing migration is on track for Friday.").first().waitFor();
    expect(await page.getByText("waiting").count()).toBeGreaterThan(0);

    // It shows in the team feed.
    await page.getByRole("link", { name: /feed/ }).first().click();
    await page.getByText("The billing migration is on track for Friday.").first().waitFor();
    await h.screenshot(page, "status-updates-feed");

    // Ivo, the addressee, comments: the ask is answered.
    const ivo = await h.newPage();
    const ivoProblems = watchConsole(ivo.page);
    await signIn(ivo.page, "ivo@northwind.example", password);
    await ivo.page.goto(updateUrl);
    await ivo.page.getByLabel("Add a comment").fill("Reviewed, looks good. @esi go ahead.");
    await ivo.page.getByRole("button", { name: "Comment" }).click();
    await ivo.page.getByText("Reviewed, looks good.").first().waitFor();
    await ivo.page.getByText("answered", { exact: true }).waitFor();
    await ivo.page.getByRole("button", { name: "Mark as read" }).click();
    await ivo.page.locator("#read-h").waitFor();
    await h.screenshot(ivo.page, "status-updates-update");

    // Search finds it, highlighted.
    await page.goto("/status-updates/search?q=rollout");
    await page.locator("mark", { hasText: "rollout" }).first().waitFor();
    await page.goto(`/status-updates/teams/${await teamIdFrom(page)}/analytics`);
    await page.locator("svg.status-updates-chart").waitFor();
    await h.screenshot(page, "status-updates-analytics");

    expect(problems).toEqual([]);
    expect(ivoProblems).toEqual([]);
  }, 120_000);
});

async function teamIdFrom(page: import("playwright-core").Page): Promise<string> {
  await page.goto("/status-updates");
  const href = await page.getByRole("link", { name: "Analytics" }).getAttribute("href");
  return (href ?? "").split("/")[3] ?? "";
}
