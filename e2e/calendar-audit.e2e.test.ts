import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { type Harness, startHarness, watchConsole } from "./harness.ts";
import { setUpOrganization } from "./steps.ts";

// The meeting audit in a real browser: the owner uploads a calendar through the form, the
// recurring meeting shows with its classification, they override the classification as a
// manager, and the override survives uploading the same file again.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const fixture = `${import.meta.dir}/../plugins/calendar-audit/fixtures/team-week.ics`;

async function upload(page: Page): Promise<void> {
  await page.goto("/calendar-audit");
  await page.getByLabel(".ics files (several at once)").setInputFiles(fixture);
  await page.getByLabel("Whose calendar").first().selectOption({ label: "My calendar" });
  await page.getByRole("button", { name: "Import" }).click();
  // The upload answers at once with the import's own page, which follows the background import.
  await page.waitForURL(/\/calendar-audit\/imports\/[0-9a-f-]{36}$/);
  // The one-off lunch counts only while it falls inside the audit window (weeks around today).
  await page.getByText(/Imported [12] events? \(1 recurring series/).waitFor({ timeout: 60_000 });
  await page.getByRole("link", { name: "Back to the meeting audit" }).click();
  await page.waitForURL((url) => url.pathname === "/calendar-audit");
}

/** The row of the meetings table for one meeting. */
function row(page: Page, name: string) {
  return page.locator(".calendar-audit-table tbody tr").filter({ has: page.getByRole("link", { name }) });
}

describe("meeting audit", () => {
  it("imports an uploaded calendar, classifies the series, and keeps a manager's override on re-upload", async () => {
    const { page } = await h.newPage();
    const problems = watchConsole(page);
    await setUpOrganization(page);

    await upload(page);
    const status = row(page, "Weekly status sync");
    await expect(status.getByRole("cell", { name: /Status \(\d+ %\)/ }).count()).resolves.toBe(1);
    await expect(status.getByText("convert").count()).resolves.toBe(1);
    // A one-off event is not a recurring meeting.
    await expect(row(page, "Team lunch").count()).resolves.toBe(0);
    await h.screenshot(page, "calendar-audit-imported");

    // The manager (here the owner) says it is really a decision meeting.
    await status.getByRole("link", { name: "Weekly status sync" }).click();
    await page.waitForURL(/\/calendar-audit\/series\/[0-9a-f-]{36}$/);
    const seriesUrl = page.url();
    await page.getByText("Recommendation: convert").waitFor();
    await page.getByLabel("Kind of meeting").selectOption({ label: "Decision" });
    await page.locator("form[action$='/classify']").getByRole("button", { name: "Save" }).click();
    await page.getByText("Marked as Decision.").waitFor();
    await page.getByText("Decision (keep sync) — set by a manager").waitFor();
    await h.screenshot(page, "calendar-audit-overridden");

    // The same file again: the series is updated by UID, and the override stays.
    await upload(page);
    const again = row(page, "Weekly status sync");
    await expect(again.count()).resolves.toBe(1);
    await expect(again.getByRole("cell", { name: "Decision (set by a manager)" }).count()).resolves.toBe(1);
    await page.goto(seriesUrl);
    await page.getByText("Decision (keep sync) — set by a manager").waitFor();
    expect(await page.getByLabel("Kind of meeting").inputValue()).toBe("decision");

    expect(problems).toEqual([]);
  }, 90_000);
});
