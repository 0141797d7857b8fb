import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { startTestProvider, type TestProvider } from "../server/auth/oidc/test-provider.ts";
import { type Harness, startHarness, watchConsole } from "./harness.ts";
import { owner, setUpOrganization, signIn } from "./steps.ts";

// Single sign-on in a real browser against a real OpenID provider (oidc-provider on 127.0.0.1):
// the owner connects it on the admin page; a colleague signs in with it and gets an account
// (and the admin role, from a group); spoiled ID tokens and a replayed callback are refused;
// "SSO only" turns passwords off for everyone but the break-glass owner.

let h: Harness;
let provider: TestProvider;
beforeAll(async () => {
  h = await startHarness();
  provider = await startTestProvider({ redirectUris: [`${h.baseUrl}/login/sso/callback`] });
  provider.accounts.set("ada", { email: "ada@acme.example", name: "Ada Admin", groups: ["desk-admins"] });
  provider.accounts.set("bob", { email: "bob@acme.example", name: "Bob Builder", groups: [] });
});
afterAll(async () => {
  await provider?.close();
  await h?.close();
});

/** Clicks the SSO button and goes through the provider's own login and consent pages. */
async function signInWithProvider(page: Page, login: string): Promise<string> {
  await page.goto("/login");
  let callback = "";
  page.on("request", (request) => {
    if (request.url().includes("/login/sso/callback")) callback = request.url();
  });
  await page.getByRole("link", { name: "Sign in with Acme ID" }).click();
  await page.waitForURL((url) => url.href.startsWith(provider.issuer));
  await page.fill('[name="login"]', login);
  await page.fill('[name="password"]', "anything");
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]', { hasText: "Continue" }).click();
  // Back on DeskTrust: the home page, or an error page at the callback when the answer is refused.
  await page.waitForURL((url) => url.href.startsWith(h.baseUrl));
  return callback;
}

describe("single sign-on", () => {
  it("connects a provider, signs people in with it, refuses what it must, and can turn passwords off", async () => {
    const admin = await h.newPage();
    const problems = watchConsole(admin.page);
    await setUpOrganization(admin.page);

    // The owner connects the identity provider on the admin page.
    await admin.page.goto("/admin/sso");
    expect(await admin.page.locator("#redirect-uri").inputValue()).toBe(`${h.baseUrl}/login/sso/callback`);
    await admin.page.getByLabel("Issuer URL").fill(provider.issuer);
    await admin.page.getByLabel("Client id").fill(provider.clientId);
    await admin.page.getByLabel("Client secret").fill(provider.clientSecret);
    await admin.page.getByLabel("Button label").fill("Sign in with Acme ID");
    await admin.page.getByLabel("Groups → role").fill("desk-admins = admin");
    await admin.page.getByRole("button", { name: "Save" }).click();
    await admin.page.getByText("Single sign-on settings saved.").waitFor();
    await h.screenshot(admin.page, "sso-admin");

    // Ada signs in with the provider: an account is made for her, an admin from her group.
    const ada = await h.newPage();
    const adaProblems = watchConsole(ada.page);
    const callback = await signInWithProvider(ada.page, "ada");
    expect(new URL(ada.page.url()).pathname).toBe("/");
    await ada.page.getByText("Hello, Ada").waitFor();
    await ada.page.getByText("Admin", { exact: true }).first().waitFor();
    await ada.page.goto("/admin/people");
    await ada.page.getByText("ada@acme.example").first().waitFor();

    // The callback URL replayed — in another browser, and in hers again — signs nobody in.
    const thief = await h.newPage();
    await thief.page.goto(callback);
    await thief.page.getByText("did not start in this browser").waitFor();
    await thief.page.goto("/");
    expect(new URL(thief.page.url()).pathname).toBe("/login");
    await ada.page.goto(callback);
    await ada.page.getByText(/did not start in this browser|used already/).waitFor();

    // Tampered and expired ID tokens are refused.
    for (const spoil of ["tampered", "expired"] as const) {
      provider.spoil = spoil;
      const bob = await h.newPage();
      await signInWithProvider(bob.page, "bob");
      await bob.page.getByText("could not be verified").waitFor();
      await bob.page.goto("/");
      expect(new URL(bob.page.url()).pathname).toBe("/login");
      await bob.context.close();
    }
    provider.spoil = "none";

    // SSO only: the owner stays the break-glass account; everyone else uses the provider.
    await admin.page.goto("/admin/sso");
    await admin.page.getByLabel("Single sign-on only").check();
    await admin.page.getByLabel("Break-glass owner").selectOption({ label: owner.name });
    await admin.page.getByRole("button", { name: "Save" }).click();
    await admin.page.getByText("Single sign-on settings saved.").waitFor();

    // A colleague who had a password (set through an invite) can no longer use it.
    await admin.page.goto("/admin/invites");
    await admin.page.fill('[name="email"]', "carol@acme.example");
    await admin.page.fill('[name="name"]', "Carol");
    await admin.page.getByRole("button", { name: "Create invite" }).click();
    const inviteUrl = await admin.page.locator("input#invite-link").inputValue();
    const carol = await h.newPage();
    await carol.page.goto(inviteUrl);
    await carol.page.fill('[name="name"]', "Carol");
    await carol.page.fill('[name="password"]', "carol's long password");
    await carol.page.getByRole("button", { name: "Join" }).click();
    await carol.page.waitForURL((url) => !url.pathname.startsWith("/invite/"));
    await carol.page.getByRole("button", { name: "Log out" }).click();
    await carol.page.goto("/login");
    await carol.page.getByText("Sign in with your company account.").waitFor();
    await carol.page.fill('[name="email"]', "carol@acme.example");
    await carol.page.fill('[name="password"]', "carol's long password");
    await carol.page.getByRole("button", { name: "Sign in", exact: true }).click();
    await carol.page.getByText("signs in with its identity provider only").waitFor();
    await h.screenshot(carol.page, "sso-only-refused");

    const breakGlass = await h.newPage();
    await signIn(breakGlass.page, owner.email, owner.password);
    expect(new URL(breakGlass.page.url()).pathname).toBe("/");

    // Signing out ends the DeskTrust session.
    await ada.page.goto("/");
    await ada.page.getByRole("button", { name: "Log out" }).click();
    await ada.page.waitForURL((url) => url.pathname === "/login");
    await ada.page.goto("/");
    expect(new URL(ada.page.url()).pathname).toBe("/login");

    expect([...problems, ...adaProblems]).toEqual([]);
    for (const p of [admin, ada, thief, carol, breakGlass]) await p.context.close();
  });
});
