import { afterAll, describe, expect, it } from "bun:test";
import { notifications } from "../notifications/schema.ts";
import { testApp } from "../testing/test-app.ts";

// The header shows how many notifications wait unread, on full pages only.

const t = await testApp();
afterAll(() => t.close());

describe("the unread count in the header", () => {
  it("counts the viewer's unread notifications and nobody else's", async () => {
    const reader = await t.signedIn("member");
    const other = await t.person();
    await t.ctx.db.insert(notifications).values([
      { personId: reader.person.id, source: "core", title: "One" },
      { personId: reader.person.id, source: "core", title: "Two" },
      { personId: reader.person.id, source: "core", title: "Read", readAt: new Date() },
      { personId: other.id, source: "core", title: "Someone else's" },
    ]);
    const html = await (await reader.get("/")).text();
    expect(html).toContain('<span class="nav-count">2<span class="visually-hidden"> unread</span></span>');
  });

  it("shows no count when everything is read", async () => {
    const reader = await t.signedIn("member");
    expect(await (await reader.get("/")).text()).not.toContain("nav-count");
  });

  it("leaves the header out of htmx fragments", async () => {
    const reader = await t.signedIn("member");
    await t.ctx.db.insert(notifications).values({ personId: reader.person.id, source: "core", title: "One" });
    const html = await (await reader.get("/", { "HX-Request": "true" })).text();
    expect(html).not.toContain("nav-count");
  });
});
