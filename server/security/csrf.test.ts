import { afterAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { CSRF_EXEMPT } from "../app.ts";
import { sessions } from "../auth/schema.ts";
import { concretePath, isMutating } from "../testing/routes.ts";
import { changedTables, snapshotTables } from "../testing/snapshot.ts";
import { type TestClient, testApp } from "../testing/test-app.ts";

// CSRF protection is an Origin check (with Referer as the fallback) on every state-changing
// request. A forged request is refused before any route runs, so nothing may change.

const t = await testApp({ plugins: "*" });
afterAll(() => t.close());
const owner = await t.person({ role: "owner" });

/** Sends exactly the headers given: no Origin is added for us. */
async function forge(
  client: TestClient,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<Response> {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  return t.app.request(`${client.origin}${path}`, {
    method,
    body: "",
    headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", ...headers },
  });
}

const forgeries: { name: string; headers: Record<string, string> }[] = [
  { name: "an Origin from another site", headers: { Origin: "https://evil.example" } },
  { name: "neither Origin nor Referer", headers: {} },
  { name: "an htmx request from another site", headers: { Origin: "https://evil.example", "HX-Request": "true" } },
  { name: "a Referer from another site and no Origin", headers: { Referer: "https://evil.example/page" } },
  { name: 'the opaque Origin "null" (sandboxed frame)', headers: { Origin: "null" } },
  { name: "a look-alike origin", headers: { Origin: "http://localhost:3000.evil.example" } },
];

const mutating = t.ctx.routes.rules.filter((rule) => isMutating(rule.method));

describe("cross-site requests are refused on every state-changing route", () => {
  for (const rule of mutating) {
    for (const forgery of forgeries) {
      it(`${rule.method} ${rule.path} with ${forgery.name}: 403, nothing changed`, async () => {
        const client = await t.signedIn(owner);
        const before = await snapshotTables(t.ctx.db);
        const res = await forge(client, rule.method, concretePath(rule.path), forgery.headers);
        // Exempt routes carry their own credential (a signed token in the URL, a chat service's
        // command token or request signature): a forged request without a valid one is refused
        // by the route instead (401 or 404).
        if (CSRF_EXEMPT.test(rule.path)) expect([401, 404]).toContain(res.status);
        else expect(res.status).toBe(403);
        expect(changedTables(before, await snapshotTables(t.ctx.db))).toEqual([]);
      });
    }
  }
});

describe("same-origin requests go through", () => {
  it("accepts a POST from our own origin (logout everywhere deletes the sessions)", async () => {
    const client = await t.signedIn(owner);
    const res = await forge(client, "POST", "/logout-everywhere", { Origin: client.origin });
    expect(res.status).toBe(303);
    expect(await t.ctx.db.select().from(sessions).where(eq(sessions.personId, owner.id))).toEqual([]);
  });

  it("accepts an htmx POST from our own origin", async () => {
    const client = await t.signedIn(owner);
    const res = await forge(client, "POST", "/logout", { Origin: client.origin, "HX-Request": "true" });
    expect(res.status).toBe(204);
    expect(res.headers.get("HX-Location")).toBe("/login");
  });

  it("falls back to a same-origin Referer when a browser sends no Origin", async () => {
    const client = await t.signedIn(owner);
    const res = await forge(client, "POST", "/logout", { Referer: `${client.origin}/profile` });
    expect(res.status).toBe(303);
  });

  it("does not log out on a GET (a link or <img> cannot sign anyone out)", async () => {
    const client = await t.signedIn(owner);
    expect((await client.get("/logout")).status).toBe(404);
    expect((await client.get("/")).status).toBe(200);
  });
});
