import { afterAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { sessions } from "../auth/schema.ts";
import { SESSION_COOKIE } from "../auth/session.ts";
import { TEST_PASSWORD, testApp } from "../testing/test-app.ts";

const DAY = 86_400_000;

describe("session cookies over https", () => {
  const booting = testApp({ env: { BASE_URL: "https://desk.example" } });
  afterAll(async () => (await booting).close());

  it("marks the session cookie Secure, HttpOnly and SameSite=Lax when BASE_URL is https", async () => {
    const t = await booting;
    const person = await t.person();
    const browser = t.client();
    expect(browser.origin).toBe("https://desk.example");
    const res = await browser.post("/login", { email: person.email, password: TEST_PASSWORD });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(res.headers.get("Strict-Transport-Security")).toContain("max-age=");
  });

  it("refuses a POST whose Origin is the plain-http twin of the site", async () => {
    const t = await booting;
    const browser = await t.signedIn("member");
    const res = await browser.post("/logout", {}, { Origin: "http://desk.example" });
    expect(res.status).toBe(403);
  });
});

describe("sliding session expiry", () => {
  const booting = testApp();
  afterAll(async () => (await booting).close());

  async function expiryOf(t: Awaited<typeof booting>, personId: string): Promise<number | undefined> {
    const [row] = await t.ctx.db.select().from(sessions).where(eq(sessions.personId, personId));
    return row?.expiresAt.getTime();
  }

  it("leaves a fresh session's expiry alone", async () => {
    const t = await booting;
    const browser = await t.signedIn("member");
    const created = t.clock.now().getTime();
    t.clock.advance(10 * DAY);
    const res = await browser.get("/");
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    expect(await expiryOf(t, browser.person.id)).toBe(created + 30 * DAY);
  });

  it("extends a session used 20 days after creation to 30 days from then", async () => {
    const t = await booting;
    const browser = await t.signedIn("member");
    t.clock.advance(20 * DAY);
    const usedAt = t.clock.now().getTime();
    const res = await browser.get("/");
    expect(res.status).toBe(200);
    expect(await expiryOf(t, browser.person.id)).toBe(usedAt + 30 * DAY);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(cookie).toContain("Max-Age=2592000");
    expect((await browser.get("/")).status).toBe(200);
  });

  it("rejects and deletes an expired session", async () => {
    const t = await booting;
    const browser = await t.signedIn("member");
    t.clock.advance(30 * DAY + 1);
    const res = await browser.get("/");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toStartWith("/login");
    expect(await expiryOf(t, browser.person.id)).toBeUndefined();
  });
});
