import { afterAll, describe, expect, it } from "bun:test";
import { testApp } from "../testing/test-app.ts";
import { page } from "./render.tsx";

// The htmx conventions: the full layout for normal and boosted requests, only the content for
// htmx fragment requests, `Vary: HX-Request` so caches keep the two apart, and one error path
// that answers in the same shape as the request.

const t = await testApp({
  routes: (r) => {
    r.get("/test/admin-only", "admin", (c) => page(c, "secret", { title: "Admin only" }));
    r.get("/test/fragment", "signed-in", (c) =>
      page(c, "whole page body", { title: "Fragment", fragment: "just the fragment" }),
    );
  },
});
afterAll(() => t.close());
const member = await t.signedIn("member");

const htmx = { "HX-Request": "true" };
const boosted = { "HX-Request": "true", "HX-Boosted": "true" };

describe("pages and fragments", () => {
  it("answers a normal GET with the whole layout and Vary: HX-Request", async () => {
    const res = await member.get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Vary")).toContain("HX-Request");
    const html = await res.text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain("<nav");
    expect(html).toContain('id="flash"');
  });

  it("answers an htmx request with only the fragment", async () => {
    const res = await member.get("/", htmx);
    expect(res.status).toBe(200);
    expect(res.headers.get("Vary")).toContain("HX-Request");
    const html = await res.text();
    expect(html).not.toContain("<html");
    expect(html).not.toContain("<nav");
    expect(html).toContain("Hello,");
  });

  it("renders a page's own fragment when it has one", async () => {
    expect(await (await member.get("/test/fragment", htmx)).text()).toBe("just the fragment");
  });

  it("answers a boosted navigation with the whole page", async () => {
    const res = await member.get("/", boosted);
    const html = await res.text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain("<nav");
  });
});

describe("errors", () => {
  it("shows a 404 page for an unknown path", async () => {
    const res = await member.get("/no/such/page");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    const html = await res.text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain("/no/such/page");
  });

  it("answers JSON under /api", async () => {
    const res = await member.get("/api/anything");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toContain("application/json");
    const body = (await res.json()) as { error: { status: number; message: string } };
    expect(body.error.status).toBe(404);
    expect(body.error.message).toBeString();
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it("answers JSON under /api for a signed-out visitor too, never a redirect to the login page", async () => {
    const res = await t.client().get("/api/anything");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toContain("application/json");
  });

  it("shows a 403 page to a signed-in viewer without the role", async () => {
    const res = await member.get("/test/admin-only");
    expect(res.status).toBe(403);
    expect(await res.text()).toStartWith("<!doctype html>");
  });

  it("answers an htmx request to a forbidden route with a fragment retargeted to #flash", async () => {
    const res = await member.get("/test/admin-only", htmx);
    expect(res.status).toBe(403);
    expect(res.headers.get("HX-Retarget")).toBe("#flash");
    const html = await res.text();
    expect(html).not.toContain("<html");
    expect(html).toContain('role="alert"');
  });

  it("answers a refused htmx POST (cross-site) with a fragment retargeted to #flash", async () => {
    const res = await member.post("/logout", {}, { ...htmx, Origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.headers.get("HX-Retarget")).toBe("#flash");
    expect(await res.text()).not.toContain("<html");
  });

  it("sends an htmx request from a signed-out visitor to the login page with HX-Redirect", async () => {
    const res = await t.client().get("/", htmx);
    expect(res.status).toBe(401);
    expect(res.headers.get("HX-Redirect")).toBe("/login?next=%2F");
  });
});

describe("assets", () => {
  const htmxPath = t.app.routes.find((route) => /^\/assets\/htmx\.min-2\.0\.\d+\.js$/.test(route.path))?.path;

  it("serves htmx 2.0.x from a versioned path with a year-long immutable cache", async () => {
    expect(htmxPath).toBeDefined();
    const res = await t.client().get(htmxPath ?? "");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("Content-Type")).toContain("javascript");
    expect(await res.text()).toContain("htmx");
  });

  it("references the versioned htmx from the layout", async () => {
    const html = await (await member.get("/")).text();
    expect(html).toContain(`src="${htmxPath}"`);
  });

  it("loads no script or stylesheet from another host (intranets are often offline)", async () => {
    for (const html of [await (await member.get("/")).text(), await (await t.client().get("/login")).text()]) {
      const external = [...html.matchAll(/<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\/[^>]*>/gi)];
      expect(external.map((match) => match[0])).toEqual([]);
    }
  });
});
