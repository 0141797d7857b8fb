import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Harness, startHarness, watchConsole } from "./harness.ts";
import { logOut, owner, setUpOrganization, signIn } from "./steps.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe("first run in a browser", () => {
  it("sets up the organization, signs out and signs back in", async () => {
    const { page, context } = await h.newPage();
    const problems = watchConsole(page);

    await setUpOrganization(page);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("Hello, Olivia");
    await expect(page.locator(".brand").textContent()).resolves.toContain(owner.orgName);
    await h.screenshot(page, "home");

    await logOut(page);
    await expect(page.getByRole("heading", { name: "Sign in" }).isVisible()).resolves.toBe(true);
    await expect(page.locator("#flash").textContent()).resolves.toContain("signed out");
    await h.screenshot(page, "login");

    await page.fill('[name="email"]', owner.email);
    await page.fill('[name="password"]', "not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("do not match").waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");

    await signIn(page, owner.email, owner.password);
    expect(new URL(page.url()).pathname).toBe("/");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("Hello, Olivia");

    // htmx is loaded from our own origin and nothing was blocked by the CSP.
    await expect(page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).resolves.toBe("object");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("sends a signed-out visitor to the login page and back where they were going", async () => {
    const { page, context } = await h.newPage();
    await page.goto("/");
    await page.waitForURL("**/login?next=%2F");
    await signIn(page, owner.email, owner.password);
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();
  });
});
