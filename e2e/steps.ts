import type { Page } from "playwright-core";

// Steps shared by the journeys, written the way a person uses the pages: by label and button text.

export interface Owner {
  orgName: string;
  name: string;
  email: string;
  password: string;
}

export const owner: Owner = {
  orgName: "Acme Remote",
  name: "Olivia Owner",
  email: "olivia@acme.example",
  password: "a long enough password",
};

/** Fills the first-run setup form and lands on the home page signed in as the owner. */
export async function setUpOrganization(page: Page, who: Owner = owner): Promise<void> {
  await page.goto("/");
  await page.waitForURL("**/setup");
  await page.fill('[name="orgName"]', who.orgName);
  await page.fill('[name="emailDomains"]', "acme.example");
  await page.fill('[name="defaultTimeZone"]', "Europe/Berlin");
  await page.fill('[name="ownerName"]', who.name);
  await page.fill('[name="ownerEmail"]', who.email);
  await page.fill('[name="password"]', who.password);
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.waitForURL((url) => url.pathname === "/");
}

/**
 * Clicks "Load demo organization" on the setup page: the progress page follows the background
 * load and lands on the home page, signed in as the demo's owner, when it is done.
 */
export async function loadDemo(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Load demo organization" }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/tasks/"));
  await page.getByRole("progressbar").or(page.getByText("The demo organization is ready.")).first().waitFor();
  await page.waitForURL((url) => url.pathname === "/", { timeout: 180_000 });
}

export async function logOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Log out" }).click();
  await page.waitForURL((url) => url.pathname === "/login");
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  if (new URL(page.url()).pathname !== "/login") await page.goto("/login");
  await page.fill('[name="email"]', email);
  await page.fill('[name="password"]', password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/login");
}
