import { afterAll, describe, expect, it } from "bun:test";
import { type TestApp, testApp } from "../testing/test-app.ts";

const t: TestApp = await testApp({ plugins: ["kudos"] });
afterAll(() => t.close());

describe("the home dashboard", () => {
  it("renders core cards with the page and loads plugin cards after it, each on its own", async () => {
    const member = await t.signedIn("member");
    const res = await member.get("/");
    const home = await res.text();
    expect(home).toContain("Your teams");
    // The plugin card is a placeholder that htmx replaces once the page has loaded.
    expect(home).toMatch(
      /<section[^>]*aria-label="Recent kudos"[^>]*hx-get="\/home\/cards\/kudos\.recent"[^>]*hx-trigger="load"/,
    );
    expect(home).toContain('<a href="/home/cards/kudos.recent">Loading…</a>');

    const fragment = await member.get("/home/cards/kudos.recent", { "HX-Request": "true" });
    expect(fragment.status).toBe(200);
    const html = await fragment.text();
    expect(html.startsWith('<section class="card" aria-label="Recent kudos">')).toBe(true);
    expect(html).not.toContain("<html");
    // Without htmx the link opens the card as a page.
    const full = await (await member.get("/home/cards/kudos.recent")).text();
    expect(full).toContain("<html");
    expect(full).toContain("Recent kudos");
  });

  it("answers a card with nothing to show with an empty fragment, so its placeholder goes away", async () => {
    const admin = await t.signedIn("admin");
    await admin.post("/admin/plugins/kudos", { showOnDashboard: "" });
    const member = await t.signedIn("member");
    const res = await member.get("/home/cards/kudos.recent", { "HX-Request": "true" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    await admin.post("/admin/plugins/kudos", { showOnDashboard: "on" });
  });

  it("answers 404 for a card of a disabled plugin or one that does not exist", async () => {
    const member = await t.signedIn("member");
    expect((await member.get("/home/cards/no.such-card")).status).toBe(404);
    const admin = await t.signedIn("admin");
    await admin.post("/admin/plugins/kudos/toggle", { enabled: "false" });
    expect((await member.get("/home/cards/kudos.recent", { "HX-Request": "true" })).status).toBe(404);
    expect(await (await member.get("/")).text()).not.toContain("kudos.recent");
    await admin.post("/admin/plugins/kudos/toggle", { enabled: "true" });
  });
});
