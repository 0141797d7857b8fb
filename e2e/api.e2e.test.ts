import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Harness, pageWidth, startHarness, watchConsole } from "./harness.ts";
import { setUpOrganization } from "./steps.ts";

// A person makes a scoped API token on a phone, a script uses it over HTTP, and the API docs
// page reads well at 390 and 1280 px.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe("the write API in a browser and over HTTP", () => {
  it("creates a token with chosen scopes on a phone, and a script records a decision with it", async () => {
    const { page, context } = await h.newPage();
    const problems = watchConsole(page);
    await setUpOrganization(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/profile/tokens");
    await page.fill('[name="name"]', "Decision bot");
    await page.getByRole("checkbox", { name: /^Read/ }).uncheck();
    await page.getByRole("checkbox", { name: /decisions:write/ }).check();
    await page.getByRole("button", { name: "Create token" }).click();
    const token = await page.locator("#new-token").inputValue();
    expect(token).toMatch(/^dtk_/);
    expect(await page.locator(".token-row").first().innerText()).toContain("decisions:write");
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await h.screenshot(page, "api-tokens-phone");

    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${h.baseUrl}${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const res = await post("/api/briefs/decisions", {
      title: "Adopt the weekly written update",
      decidedBy: "Olivia",
      decidedOn: "2026-03-02",
      rationale: "It replaces the status meeting.",
    });
    expect(res.status).toBe(201);
    const { decision } = (await res.json()) as { decision: { id: string; link: string } };
    // The token has no read scope and no update scope: both are refused.
    expect(
      (await fetch(`${h.baseUrl}/api/briefs/decisions`, { headers: { Authorization: `Bearer ${token}` } })).status,
    ).toBe(403);
    expect((await post("/api/status-updates/updates", { teamId: decision.id, answers: {} })).status).toBe(403);

    await page.goto(decision.link);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toContain("Adopt the weekly written update");
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("shows the API docs page without overflow at 390 and 1280 px, and serves the OpenAPI document", async () => {
    const { page, context } = await h.newPage();
    const problems = watchConsole(page);
    for (const [width, label] of [
      [1280, "desktop"],
      [390, "phone"],
    ] as const) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto("/api/docs");
      expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("API");
      expect(await page.locator("#postStatusUpdatesUpdates").isVisible()).toBe(true);
      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      await h.screenshot(page, `api-docs-${label}`);
    }
    const doc = (await (await fetch(`${h.baseUrl}/api/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/sla/teams/{teamId}/charter");
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
