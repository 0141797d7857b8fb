import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Harness, startHarness, watchConsole } from "./harness.ts";
import { loadDemo, logOut, signIn } from "./steps.ts";

// The activity journey on the demo organization: Priya (Design, no demo activity) registers a
// device and sees its token once; her agent posts a batch with that token; the owner runs the
// rollup job from the admin Jobs page; Priya's "My activity" shows the time. Her manager cannot
// open her activity page.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const password = "demo-password";

/** "This week: 0.5 h active; last week: 0 h." → the two numbers (the batch may straddle a week start). */
function weekHours(text: string): number {
  const match = /This week:\s*([\d.]+) h active; last week: ([\d.]+) h/.exec(text);
  if (!match) throw new Error(`No week summary in: ${text.slice(0, 500)}`);
  return Number(match[1]) + Number(match[2]);
}

describe("activity", () => {
  it("registers a device, ingests a batch with its token, rolls it up from the Jobs page, and shows it only to its owner", async () => {
    const owner = await h.newPage();
    const ownerProblems = watchConsole(owner.page);
    await owner.page.goto("/");
    await owner.page.waitForURL("**/setup");
    await loadDemo(owner.page);

    // Priya registers a device: the token is shown once.
    const priya = await h.newPage();
    const problems = watchConsole(priya.page);
    await signIn(priya.page, "priya@northwind.example", password);
    await priya.page.goto("/activity");
    expect(weekHours(await priya.page.locator("main").innerText())).toBe(0);
    await priya.page.getByLabel("Device name").fill("Work laptop");
    await priya.page.getByRole("button", { name: "Register a device" }).click();
    const token = (await priya.page.locator("code.activity-token").innerText()).trim();
    expect(token).toMatch(/^dta_[A-Za-z0-9_-]{20,}$/);
    await priya.page.getByText("Work laptop").first().waitFor();
    await h.screenshot(priya.page, "activity-device-token");
    await priya.page.goto("/activity");
    expect(await priya.page.locator("code.activity-token").count()).toBe(0);
    expect(await priya.page.content()).not.toContain(token);

    // Her agent posts half an hour of editor time, ending a minute ago.
    const end = Date.now() - 60_000;
    const res = await fetch(`${h.baseUrl}/api/activity/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        events: [
          {
            id: "e2e-1",
            start: new Date(end - 30 * 60_000).toISOString(),
            duration: 30 * 60,
            app: "Code",
            afk: false,
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stored: 1 });

    // The owner runs the rollup job from the admin Jobs page.
    await owner.page.goto("/admin/jobs");
    await owner.page
      .getByRole("row", { name: /activity\.rollup/ })
      .getByRole("button", { name: "Run now" })
      .click();
    await owner.page.waitForURL(/\/admin\/jobs\/activity\.rollup$/);
    await owner.page.getByText(/activity\.rollup ran in/).waitFor();

    // "My activity" shows the half hour.
    await priya.page.goto("/activity");
    expect(weekHours(await priya.page.locator("main").innerText())).toBeCloseTo(0.5, 5);
    await priya.page.getByRole("rowheader", { name: "Focus work > Programming" }).waitFor();
    await h.screenshot(priya.page, "activity-mine");

    // Her manager (Dmitri manages Design) gets 403 on her activity page.
    await owner.page.goto("/admin/people");
    const href = await owner.page.getByRole("link", { name: "Priya Raman" }).getAttribute("href");
    const priyaId = href?.split("/").at(-1);
    expect(priyaId).toMatch(/^[0-9a-f-]{36}$/);
    await logOut(owner.page);
    await signIn(owner.page, "dmitri@northwind.example", password);
    const denied = await owner.page.goto(`/activity/people/${priyaId}`);
    expect(denied?.status()).toBe(403);
    expect(await owner.page.content()).not.toContain("Focus work &gt; Programming");
    // Priya herself may open it.
    expect((await priya.page.goto(`/activity/people/${priyaId}`))?.status()).toBe(200);

    expect(problems).toEqual([]);
    expect(ownerProblems).toEqual([]);
  });
});
