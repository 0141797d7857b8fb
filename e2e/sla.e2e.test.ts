import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { type Harness, startHarness, watchConsole } from "./harness.ts";
import { loadDemo, logOut, signIn } from "./steps.ts";

// Response times on the demo organization: Esi, Platform's manager, adds a row to the team's
// charter; Ivo writes his weekly update with an ask addressed to Mateo; Mateo finds it on
// "Waiting on you" with the time left, comments on the update, and the ask leaves his list.
// Then a tour of every SLA page and the main status-update pages, desktop and phone width.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const password = "demo-password";

/** Nothing wider than the window: a phone user never scrolls sideways to read a page. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

describe("response times", () => {
  it("a charter row, an ask in an update, waiting on the addressee, answered by a comment", async () => {
    const { page } = await h.newPage();
    const problems = watchConsole(page);
    await page.goto("/");
    await page.waitForURL("**/setup");
    await loadDemo(page);
    await logOut(page);

    // Esi manages Platform: a new charter row, published as a new version.
    await signIn(page, "esi@northwind.example", password);
    await page.goto("/sla");
    await page.getByRole("link", { name: "Platform", exact: true }).click();
    await page.waitForURL(/\/sla\/teams\/[0-9a-f-]{36}$/);
    const blank = page.locator('input[name="workType"][value=""]').first();
    const label = (await blank.getAttribute("aria-label")) ?? "";
    const row = label.replace(" work type", "");
    await blank.fill("design critique");
    await page.getByLabel(`${row} medium`).selectOption("meeting");
    await page.getByLabel(`${row} target in hours`).fill("48");
    await page.getByLabel(`${row} business or calendar hours`).selectOption("calendar");
    await page.getByRole("button", { name: /^Publish version/ }).click();
    await page.getByText(/Published version \d+/).waitFor();
    const charter = page.locator("section", { has: page.locator("#charter") });
    await charter.getByRole("cell", { name: "design critique" }).waitFor();
    await h.screenshot(page, "sla-charter-published");
    await logOut(page);

    // Ivo writes his update; the ask names Mateo.
    await signIn(page, "ivo@northwind.example", password);
    await page.goto("/status-updates/write");
    const ask = "@mateo please review the failover runbook by Thursday.";
    await page.getByLabel("Bottom line").fill("The failover drill is ready for next week.");
    await page.getByLabel("Ask").fill(ask);
    await page.getByLabel("Risks/blockers").fill("None.");
    await page.getByRole("button", { name: /Post update|Save changes/ }).click();
    await page.waitForURL(/\/status-updates\/updates\/[0-9a-f-]{36}$/);
    const updateUrl = page.url();
    await logOut(page);

    // Mateo sees it waiting on him, with the time left.
    await signIn(page, "mateo@northwind.example", password);
    await page.goto("/sla");
    const waiting = page.locator("section", { has: page.locator("#waiting") });
    const item = waiting.getByRole("row").filter({ hasText: "failover runbook" });
    await item.waitFor();
    // Columns: ask, type, status, time left (business), due.
    expect(await item.getByRole("cell").nth(3).innerText()).toMatch(/\d/);
    await h.screenshot(page, "sla-waiting-on-me");

    // He answers with a comment; the ask leaves his list.
    await page.goto(updateUrl);
    await page.getByLabel("Add a comment").fill("Reviewed: two steps need owners, added them.");
    await page.getByRole("button", { name: "Comment" }).click();
    await page.getByText("Reviewed: two steps need owners").first().waitFor();
    await page.goto("/sla");
    await page.locator("#waiting").waitFor();
    expect(await waiting.getByText("failover runbook").count()).toBe(0);

    expect(problems).toEqual([]);
  }, 120_000);

  it("every SLA page and the main status-update pages read well on a desktop and a phone", async () => {
    const { page } = await h.newPage();
    const problems = watchConsole(page);
    await signIn(page, "esi@northwind.example", password);
    await page.goto("/sla");
    await page.getByRole("link", { name: "Platform", exact: true }).click();
    await page.waitForURL(/\/sla\/teams\/[0-9a-f-]{36}$/);
    const team = new URL(page.url()).pathname.split("/")[3] as string;
    await page.goto(`/status-updates?team=${team}`);
    const firstUpdate = await page.locator("article h3 a").first().getAttribute("href");
    const pages: [string, string][] = [
      ["sla-waiting", "/sla"],
      ["sla-charter", `/sla/teams/${team}`],
      ["sla-board", `/sla/teams/${team}/board`],
      ["sla-settings", `/sla/teams/${team}/settings`],
      ["sla-reports", "/sla/reports"],
      ["status-feed", `/status-updates?team=${team}`],
      ["status-composer", `/status-updates/write?team=${team}`],
      ["status-update", firstUpdate ?? "/status-updates"],
      ["status-analytics", `/status-updates/teams/${team}/analytics`],
    ];
    const tooWide: string[] = [];
    for (const [width, suffix] of [
      [1280, "desktop"],
      [390, "phone"],
    ] as const) {
      await page.setViewportSize({ width, height: 844 });
      for (const [name, path] of pages) {
        const res = await page.goto(path);
        expect(res?.status()).toBeLessThan(400);
        await h.screenshot(page, `${name}-${suffix}`);
        if (!(await fitsWidth(page))) tooWide.push(`${name}-${suffix}`);
      }
    }
    // The feed's "Full update" loads the whole update in place.
    await page.goto(`/status-updates?team=${team}`);
    await page.locator("details.status-updates-more summary").first().click();
    await page.locator("details.status-updates-more[open] .status-updates-body h2").first().waitFor();
    await h.screenshot(page, "status-feed-expanded-phone");
    expect(tooWide).toEqual([]);
    expect(problems).toEqual([]);
  }, 180_000);
});
