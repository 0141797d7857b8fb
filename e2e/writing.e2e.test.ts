import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { type Harness, startHarness, watchConsole } from "./harness.ts";
import { logOut, signIn } from "./steps.ts";

// The draft-review journey on the demo organization: a writer asks their writing partner to
// review this week's update from the composer; the partner comments on a sentence and suggests
// a bottom line; the writer sees both beside the writing hints, then posts.

let h: Harness;
beforeAll(async () => {
  // Only the plugins this journey needs. (Demo contributors that read settings inside the demo
  // transaction can wait on themselves on the embedded database; this journey needs none of them.)
  const before = process.env.PLUGINS;
  process.env.PLUGINS = "status-updates,writing";
  try {
    h = await startHarness();
  } finally {
    if (before === undefined) delete process.env.PLUGINS;
    else process.env.PLUGINS = before;
  }
});
afterAll(() => h?.close());

const password = "demo-password";

describe("writing", () => {
  it("asks the writing partner to review a draft, and sees the suggestion beside the hints", async () => {
    const { page } = await h.newPage();
    const problems = watchConsole(page);
    await page.goto("/");
    await page.waitForURL("**/setup");
    await page.getByRole("button", { name: "Load demo organization" }).click();
    await page.waitForURL((url) => url.pathname === "/", { timeout: 120_000 });

    // The owner reviews for a writer on the Platform team (demo pairs); find who.
    await page.goto("/writing/pairs");
    const pairLine =
      (await page.locator(".writing-pairs li").filter({ hasText: "Ada Lovelace" }).first().innerText()) ?? "";
    const writerFirst =
      pairLine
        .split(" ")[0]
        ?.toLowerCase()
        .normalize("NFD")
        .replace(/[^a-z]/g, "") ?? "";
    expect(writerFirst).not.toBe("");
    await logOut(page);

    await signIn(page, `${writerFirst}@northwind.example`, password);
    await page.goto("/status-updates/write");
    await page.getByLabel("Bottom line").fill("Some background on the billing migration first.");
    const ask = page.getByRole("button", { name: "Ask my writing partner to review" });
    await ask.waitFor();
    await ask.click();
    await page.locator(".writing-review-panel").getByText("Sent to your writing partner").waitFor();
    // The panel swapped in place: what the writer typed is still in the editor.
    expect(await page.getByLabel("Bottom line").inputValue()).toBe("Some background on the billing migration first.");
    await h.screenshot(page, "writing-review-sent");
    await logOut(page);

    const ada = await h.newPage();
    const adaProblems = watchConsole(ada.page);
    await signIn(ada.page, "ada@northwind.example", password);
    await ada.page.goto("/writing/reviews");
    await ada.page.getByRole("link", { name: "Some background on the billing migration first." }).click();
    await ada.page.getByLabel("Comment").fill("Lead with where the migration stands.");
    await ada.page.getByRole("button", { name: "Comment on this sentence" }).click();
    await ada.page.getByText("Comment added.").waitFor();
    await ada.page.getByLabel("Suggest a bottom line (optional)").fill("The billing migration is on track for Friday.");
    await ada.page.getByRole("button", { name: "Send the review" }).click();
    await ada.page.getByText("Review sent to the author.").waitFor();
    await h.screenshot(ada.page, "writing-review-partner");

    await signIn(page, `${writerFirst}@northwind.example`, password);
    await page.goto("/status-updates/write");
    const hints = page.locator("#status-updates-hints");
    await hints.getByText("Suggested bottom line:").waitFor();
    await hints.getByText("Lead with where the migration stands.").waitFor();
    await h.screenshot(page, "writing-review-suggestion");

    // Trends and workshops fit a phone screen.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/writing/trends", "/writing/workshops", "/writing/pairs"]) {
      await page.goto(path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    }
    expect(problems).toEqual([]);
    expect(adaProblems).toEqual([]);
  }, 300_000);
});
