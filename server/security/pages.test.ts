import { afterAll, describe, expect, it } from "bun:test";
import { allows } from "../http/access.ts";
import { hasParams, viewerOf } from "../testing/routes.ts";
import { type TestClient, testApp } from "../testing/test-app.ts";

// Secure headers and a strict CSP on every answer, and HTML that the CSP does not have to
// forgive: no inline script, no inline style, no inline event handlers. Every GET page the
// owner can open without parameters is scanned, so pages added later are covered.

const t = await testApp({ plugins: "*" });
const fresh = await testApp({ setup: false });
afterAll(async () => {
  await t.close();
  await fresh.close();
});
const owner = await t.signedIn("owner");

function directives(csp: string | null): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (csp ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values.join(" "));
  }
  return map;
}

function expectSecureHeaders(res: Response): void {
  const csp = directives(res.headers.get("Content-Security-Policy"));
  expect(csp.get("default-src")).toBe("'self'");
  expect(csp.get("script-src")).toBe("'self'");
  expect(csp.get("frame-ancestors")).toBe("'none'");
  expect(csp.get("object-src")).toBe("'none'");
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(res.headers.get("Referrer-Policy")).toBe("same-origin");
}

/** Markup the CSP would block or that needs 'unsafe-inline' to work. */
function inlineCode(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/<script\b[^>]*>/gi)) if (!/\ssrc\s*=/i.test(match[0])) found.push(match[0]);
  for (const match of html.matchAll(/<[a-z][^>]*\sstyle\s*=[^>]*>/gi)) found.push(match[0]);
  for (const match of html.matchAll(/<style\b[^>]*>/gi)) found.push(match[0]);
  for (const match of html.matchAll(/<[a-z][^>]*\son[a-z]+\s*=[^>]*>/gi)) found.push(match[0]);
  for (const match of html.matchAll(/\b(href|src|action)\s*=\s*["']?\s*javascript:/gi)) found.push(match[0]);
  return found;
}

const ownerPages = t.ctx.routes.rules.filter(
  (rule) => rule.method === "GET" && !hasParams(rule.path) && allows(rule.access, viewerOf("owner")),
);

/**
 * Routes that set a stricter policy of their own, which the global headers leave alone: the
 * digest preview is the email's HTML (inline styles, as mail clients need), framed by our own
 * preview page, and may run no script at all.
 */
const ownPolicy = new Set(["/digest/preview.html"]);

function expectOwnPolicy(res: Response): void {
  const csp = directives(res.headers.get("Content-Security-Policy"));
  expect(csp.get("default-src")).toBe("'none'");
  expect(csp.has("script-src")).toBe(false);
  expect(csp.get("frame-ancestors")).toBe("'self'");
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
}

async function scan(client: TestClient, path: string): Promise<void> {
  const res = await client.get(path);
  if (ownPolicy.has(path)) return expectOwnPolicy(res);
  expectSecureHeaders(res);
  const body = await res.text();
  if (!(res.headers.get("Content-Type") ?? "").includes("text/html")) return;
  expect({ path, inline: inlineCode(body) }).toEqual({ path, inline: [] });
}

describe("secure headers", () => {
  it("sends the CSP and friends on pages, errors, JSON and assets", async () => {
    const asset = t.app.routes.find((route) => route.path.startsWith("/assets/"))?.path ?? "/assets/missing";
    for (const path of ["/", "/no-such-page", "/api/no-such-thing", "/healthz", asset])
      expectSecureHeaders(await owner.get(path));
  });

  it("forbids inline script in the CSP (no 'unsafe-inline' or 'unsafe-eval' anywhere)", async () => {
    const csp = (await owner.get("/")).headers.get("Content-Security-Policy") ?? "";
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
  });

  it("refuses to be framed", async () => {
    expect((await owner.get("/")).headers.get("X-Frame-Options")).toBe("DENY");
  });
});

describe("pages need no inline code", () => {
  it("notices inline code (the scan can fail)", () => {
    expect(inlineCode('<script>alert(1)</script><p style="color:red" onclick="x()">')).toHaveLength(3);
    expect(inlineCode('<script src="/assets/a.js" defer></script><p class="x">style=1</p>')).toEqual([]);
  });

  it("finds pages to scan", () => {
    expect(ownerPages.map((rule) => rule.path)).toContain("/");
  });

  for (const rule of ownerPages) {
    it(`GET ${rule.path} as the owner`, () => scan(owner, rule.path));
  }

  it("GET /login as a visitor", () => scan(t.client(), "/login"));
  it("GET /setup before the organization exists", async () => {
    expect((await fresh.client().get("/setup")).status).toBe(200);
    await scan(fresh.client(), "/setup");
  });
  it("the 404 page", () => scan(owner, "/no-such-page"));
});
