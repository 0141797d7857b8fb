import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Harness, startHarness, watchConsole } from "./harness.ts";
import { setUpOrganization } from "./steps.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe("notification preferences in a browser", () => {
  it("are reached from Notifications, changed with the keyboard alone, and fit a 390 px phone", async () => {
    const { page, context } = await h.newPage();
    const problems = watchConsole(page);
    await setUpOrganization(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/notifications");
    await page.getByRole("link", { name: "Preferences" }).click();
    await page.getByRole("heading", { name: "Notification preferences" }).waitFor();

    // Keyboard only: turn email off for mentions, switch quiet hours on, save.
    const mentionEmail = page.getByRole("checkbox", { name: "A mention of you: Email" });
    await mentionEmail.focus();
    await page.keyboard.press("Space");
    await page.getByRole("checkbox", { name: "Hold email and chat during quiet hours" }).focus();
    await page.keyboard.press("Space");
    await page.getByRole("button", { name: "Save preferences" }).focus();
    await page.keyboard.press("Enter");
    await page.locator("#flash").getByText("Notification preferences saved.").waitFor();

    await expect(page.getByRole("checkbox", { name: "A mention of you: Email" }).isChecked()).resolves.toBe(false);
    await expect(page.getByRole("checkbox", { name: "An ask for you: Email" }).isChecked()).resolves.toBe(true);
    await expect(
      page.getByRole("checkbox", { name: "Hold email and chat during quiet hours" }).isChecked(),
    ).resolves.toBe(true);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await h.screenshot(page, "notification-preferences-phone");
    expect(problems).toEqual([]);
    await context.close();
  });
});
