import { afterAll, describe, expect, it } from "bun:test";
import { mayOpen } from "../http/access.ts";
import type { Person } from "../people/people.ts";
import { roles } from "../people/schema.ts";
import { viewerOf } from "../testing/routes.ts";
import { testApp } from "../testing/test-app.ts";

// Every page shows only links its viewer may follow: for each role, the pages of the navigation
// are opened and every portal link on them is followed; none may answer 403. Buttons are hidden
// with `canOpen`, which reads the same declared rule the route's guard checks.

const t = await testApp({ plugins: "*" });
afterAll(() => t.close());

const hrefs = (html: string): string[] =>
  [...html.matchAll(/<a\b[^>]*\bhref="(\/[^"#]*)/g)]
    .map((m) => (m[1] ?? "").replaceAll("&amp;", "&"))
    .filter((href) => !href.startsWith("/assets/") && !href.startsWith("/logout"));

describe("links a viewer sees", () => {
  for (const role of [...roles].reverse()) {
    it(`never lead a ${role} to a 403`, async () => {
      const person: Person = await t.person({ role });
      const client = await t.signedIn(person);
      const home = await (await client.get("/")).text();
      const pages = [...new Set(["/", ...hrefs(home)])];
      const links = new Set<string>();
      for (const page of pages) {
        const res = await client.get(page);
        if (res.status !== 200) continue;
        for (const href of hrefs(await res.text())) links.add(href);
      }
      const forbidden: string[] = [];
      for (const href of links) {
        if ((await client.get(href)).status === 403) forbidden.push(href);
      }
      expect(forbidden).toEqual([]);
    }, 120_000);
  }

  it("shows the meeting audit's report and tracker buttons to managers and up, not to members", async () => {
    for (const role of roles) {
      const client = await t.signedIn(await t.person({ role }));
      const page = await (await client.get("/calendar-audit")).text();
      const allowed = role !== "member";
      expect(page.includes('href="/calendar-audit/report"')).toBe(allowed);
      expect(page.includes('href="/calendar-audit/tracker"')).toBe(allowed);
      expect((await client.get("/calendar-audit/report")).status).toBe(allowed ? 200 : 403);
      expect((await client.get("/calendar-audit/tracker")).status).toBe(allowed ? 200 : 403);
    }
  });

  it("answers canOpen from the route's declared rule, with parameters and query strings", () => {
    const member = viewerOf("member");
    const manager = viewerOf("manager");
    expect(mayOpen(t.ctx.routes, member, "/calendar-audit/tracker")).toBe(false);
    expect(mayOpen(t.ctx.routes, manager, "/calendar-audit/tracker")).toBe(true);
    expect(mayOpen(t.ctx.routes, manager, "/calendar-audit/report?team=x")).toBe(true);
    expect(mayOpen(t.ctx.routes, member, "/admin/people")).toBe(false);
    expect(mayOpen(t.ctx.routes, viewerOf("admin"), "/admin/people")).toBe(true);
    expect(mayOpen(t.ctx.routes, member, "/no/such/page")).toBe(false);
  });
});
