import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { TEST_PASSWORD, type TestApp, testApp } from "../testing/test-app.ts";
import { sessions } from "./schema.ts";
import { SESSION_COOKIE } from "./session.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe("signing in", () => {
  it("signs in with the right password and lands on the home page", async () => {
    const person = await t.person({ name: "Ann Example" });
    const browser = t.client();
    const res = await browser.post("/login", { email: person.email.toUpperCase(), password: TEST_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
    const home = await browser.get("/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Hello, Ann");
  });

  it("stores only the SHA-256 of the session token", async () => {
    const person = await t.person();
    const browser = t.client();
    await browser.post("/login", { email: person.email, password: TEST_PASSWORD });
    const token = browser.cookies.get(SESSION_COOKIE) as string;
    const rows = await t.ctx.db.select().from(sessions).where(eq(sessions.personId, person.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).not.toBe(token);
    expect(rows[0]?.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a wrong password with 422 and no session", async () => {
    const person = await t.person();
    const browser = t.client();
    const res = await browser.post("/login", { email: person.email, password: "wrong password!" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("do not match");
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it("issues a new session on login instead of keeping one planted before it (no fixation)", async () => {
    const person = await t.person();
    const browser = t.client();
    browser.cookies.set(SESSION_COOKIE, "planted-by-attacker");
    await browser.post("/login", { email: person.email, password: TEST_PASSWORD });
    expect(browser.cookies.get(SESSION_COOKIE)).not.toBe("planted-by-attacker");
  });

  it("sends anonymous visitors to the login page, remembering where they were going", async () => {
    const res = await t.client().get("/");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/login?next=%2F");
  });

  it("ignores an off-site next parameter", async () => {
    const person = await t.person();
    const res = await t
      .client()
      .post("/login", { email: person.email, password: TEST_PASSWORD, next: "//evil.example/" });
    expect(res.headers.get("Location")).toBe("/");
  });

  it("logs out: the session is deleted and the cookie cleared", async () => {
    const browser = await t.signedIn("member");
    const res = await browser.post("/logout");
    expect(res.status).toBe(303);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    const rows = await t.ctx.db.select().from(sessions).where(eq(sessions.personId, browser.person.id));
    expect(rows).toHaveLength(0);
  });

  it("logs out of every session at once", async () => {
    const person = await t.person();
    const laptop = await t.signedIn(person);
    const phone = await t.signedIn(person);
    expect((await phone.get("/")).status).toBe(200);
    await laptop.post("/logout-everywhere");
    expect((await phone.get("/")).status).toBe(303);
  });
});

describe("login throttling", () => {
  it("slows a client after 5 failures with a growing wait, and lets the right password in once it is over", async () => {
    const person = await t.person();
    const browser = t.client();
    for (let i = 0; i < 6; i++) await browser.post("/login", { email: person.email, password: "nope nope nope" });
    const res = await browser.post("/login", { email: person.email, password: TEST_PASSWORD });
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("2");
    t.clock.advance(2_000);
    const later = await browser.post("/login", { email: person.email, password: TEST_PASSWORD });
    expect(later.status).toBe(303);
  });
});
