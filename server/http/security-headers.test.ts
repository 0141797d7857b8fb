import { afterAll, describe, expect, it } from "bun:test";
import { testApp } from "../testing/test-app.ts";

// The global secure headers are a default: a route that sets its own keeps them.

const t = await testApp();
afterAll(() => t.close());

describe("final security headers", () => {
  it("keeps the digest preview's own CSP and framing rule, so the preview page can frame it", async () => {
    const member = await t.signedIn("member");
    const res = await member.get("/digest/preview.html");
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).not.toContain("frame-ancestors 'none'");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("still sends the strict defaults on every other page", async () => {
    const member = await t.signedIn("member");
    const res = await member.get("/digest");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
  });
});
