import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Harness, pageWidth, startHarness, watchConsole } from "./harness.ts";
import { loadDemo } from "./steps.ts";

// The integration pages on a phone: an admin adds a webhook endpoint (its secret shown once),
// reads the delivery log and the Slack page, and a manager's team page for chat channels.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe("integrations in a browser", () => {
  it("adds a webhook endpoint and shows deliveries, Slack and team chat pages within 390 px", async () => {
    const { page, context } = await h.newPage();
    const problems = watchConsole(page);
    await page.goto("/");
    await loadDemo(page);
    await page.setViewportSize({ width: 390, height: 844 });

    await page.goto("/admin/webhooks/new");
    await page.fill('[name="url"]', "https://hooks.example.com/desktrust/receive/a-rather-long-path-segment");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.getByRole("heading", { name: "Signing secret" }).waitFor();
    expect(await page.locator("#webhook-secret").inputValue()).toMatch(/^whsec_/);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await h.screenshot(page, "webhook-endpoint-phone");

    for (const [path, name] of [
      ["/admin/webhooks", "webhooks-phone"],
      ["/admin/deliveries", "deliveries-phone"],
      ["/admin/slack", "slack-admin-phone"],
    ] as const) {
      await page.goto(path);
      expect(await page.getByRole("heading", { level: 1 }).count()).toBe(1);
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
      await h.screenshot(page, name);
    }

    await page.goto("/teams");
    const teamPath = await page
      .locator("main a")
      .evaluateAll((links) =>
        links
          .map((a) => new URL((a as HTMLAnchorElement).href).pathname)
          .find((p) => /^\/teams\/[0-9a-f-]{36}$/.test(p)),
      );
    expect(teamPath).toBeDefined();
    await page.goto(`${teamPath}/chat`);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toStartWith("Chat channels");
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await h.screenshot(page, "team-chat-phone");
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);
});
