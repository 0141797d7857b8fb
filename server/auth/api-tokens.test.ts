import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { apiTokens } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["kudos"] });
});
afterAll(() => t.close());

async function createToken(scopes: string[]): Promise<{ token: string; personId: string }> {
  const member = await t.signedIn("member");
  const res = await member.post("/profile/tokens", { name: "CI reporter", scopes });
  expect(res.status).toBe(201);
  const token = /id="new-token"[^>]*value="(dtk_[a-z2-7]+)"/.exec(await res.text())?.[1];
  expect(token).toBeDefined();
  return { token: token as string, personId: member.person.id };
}

const api = (path: string, token: string, init: RequestInit = {}) =>
  t.app.request(`http://localhost:3000${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, ...init.headers },
  });

describe("API tokens", () => {
  it("are shown once, stored hashed, and let a script read plugin JSON as the person", async () => {
    const { token, personId } = await createToken(["read"]);
    const [row] = await t.ctx.db.select().from(apiTokens).where(eq(apiTokens.personId, personId));
    expect(row?.tokenHash).not.toBe(token);
    expect(JSON.stringify(row)).not.toContain(token);
    const res = await api("/api/kudos", token);
    expect(res.status).toBe(200);
    expect(Array.isArray(((await res.json()) as { kudos: unknown[] }).kudos)).toBe(true);
  });

  it("keeps a read-only token to GET requests", async () => {
    const { token } = await createToken(["read"]);
    const res = await api("/api/kudos", token, {
      method: "POST",
      body: "{}",
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("read-only");
  });

  it("stops working once revoked, and cannot be revoked by someone else", async () => {
    const member = await t.signedIn("member");
    const created = await member.post("/profile/tokens", { name: "laptop", scopes: ["read", "write"] });
    const token = /value="(dtk_[a-z2-7]+)"/.exec(await created.text())?.[1] as string;
    const [row] = await t.ctx.db.select().from(apiTokens).where(eq(apiTokens.personId, member.person.id));
    const other = await t.signedIn("member");
    expect((await other.post(`/profile/tokens/${row?.id}/revoke`)).status).toBe(404);
    expect((await api("/api/kudos", token)).status).toBe(200);
    expect((await member.post(`/profile/tokens/${row?.id}/revoke`)).status).toBe(303);
    const after = await api("/api/kudos", token);
    expect(after.status).toBe(401);
  });

  it("refuses a token without a scope, with a field error and nothing stored", async () => {
    const member = await t.signedIn("member");
    const res = await member.post("/profile/tokens", { name: "nothing" });
    expect(res.status).toBe(422);
    expect(await t.ctx.db.select().from(apiTokens).where(eq(apiTokens.personId, member.person.id))).toHaveLength(0);
  });

  it("does not open pages: a token only works under /api", async () => {
    const { token } = await createToken(["read", "write"]);
    const res = await t.app.request("http://localhost:3000/profile", { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(303);
  });
});

describe("audit log page", () => {
  it("lists administrative changes for admins only", async () => {
    await createToken(["read"]);
    const admin = await t.signedIn("admin");
    const html = await (await admin.get("/admin/audit")).text();
    expect(html).toContain("api-token.created");
    const member = await t.signedIn("member");
    expect((await member.get("/admin/audit")).status).toBe(403);
  });
});
