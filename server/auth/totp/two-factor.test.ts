import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { auditLog } from "../../org/schema.ts";
import type { Person } from "../../people/people.ts";
import { TEST_PASSWORD, type TestApp, type TestClient, testApp } from "../../testing/test-app.ts";
import { SESSION_COOKIE } from "../session.ts";
import { twoFactorRecoveryCodes } from "./schema.ts";
import { totpCode } from "./totp.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const STEP = 30_000;

/** Turns two-factor on through the profile page; returns the secret and the recovery codes. */
async function enable(person: Person): Promise<{ secret: string; codes: string[] }> {
  const browser = await t.signedIn(person);
  const setup = await (await browser.get("/profile/two-factor")).text();
  const secret = /id="totp-secret"[^>]*value="([A-Z2-7]+)"/.exec(setup)?.[1] ?? "";
  expect(secret).toHaveLength(32);
  const done = await browser.post("/profile/two-factor/confirm", { code: totpCode(secret, t.clock.now()) });
  expect(done.status).toBe(200);
  const codes = [...(await done.text()).matchAll(/<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})<\/code>/g)].map(
    (m) => m[1] ?? "",
  );
  t.clock.advance(STEP);
  return { secret, codes };
}

async function password(person: Person): Promise<{ browser: TestClient; res: Response }> {
  const browser = t.client();
  const res = await browser.post("/login", { email: person.email, password: TEST_PASSWORD });
  return { browser, res };
}

describe("setting up two-factor", () => {
  it("refuses a wrong code and shows ten recovery codes, stored hashed, after a right one", async () => {
    const person = await t.person();
    const browser = await t.signedIn(person);
    const setup = await (await browser.get("/profile/two-factor")).text();
    expect(setup).toContain("otpauth://totp/");
    const wrong = await browser.post("/profile/two-factor/confirm", { code: "000000" });
    expect(wrong.status).toBe(422);
    const { codes } = await enable(person);
    expect(codes).toHaveLength(10);
    const stored = await t.ctx.db
      .select()
      .from(twoFactorRecoveryCodes)
      .where(eq(twoFactorRecoveryCodes.personId, person.id));
    expect(stored).toHaveLength(10);
    expect(stored.map((r) => r.codeHash)).not.toContain(codes[0]);
    const actions = (await t.ctx.db.select().from(auditLog).where(eq(auditLog.target, person.id))).map((r) => r.action);
    expect(actions).toContain("two-factor.enabled");
  });
});

describe("signing in with two-factor", () => {
  it("asks for the code after the password, and signs in only with a right one", async () => {
    const person = await t.person();
    const { secret } = await enable(person);
    const { browser, res } = await password(person);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/login/two-factor");
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect((await browser.get("/login/two-factor")).status).toBe(200);
    const wrong = await browser.post("/login/two-factor", { code: "123456" });
    expect(wrong.status).toBe(422);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    const right = await browser.post("/login/two-factor", { code: totpCode(secret, t.clock.now()) });
    expect(right.status).toBe(303);
    expect(right.headers.get("Location")).toBe("/");
    expect((await browser.get("/")).status).toBe(200);
  });

  it("accepts each code once", async () => {
    const person = await t.person();
    const { secret } = await enable(person);
    const code = totpCode(secret, t.clock.now());
    const first = await password(person);
    expect((await first.browser.post("/login/two-factor", { code })).status).toBe(303);
    const second = await password(person);
    expect((await second.browser.post("/login/two-factor", { code })).status).toBe(422);
  });

  it("accepts a recovery code once, and audit-logs its use", async () => {
    const person = await t.person();
    const { codes } = await enable(person);
    const first = await password(person);
    expect((await first.browser.post("/login/two-factor", { code: (codes[0] ?? "").toUpperCase() })).status).toBe(303);
    const second = await password(person);
    expect((await second.browser.post("/login/two-factor", { code: codes[0] ?? "" })).status).toBe(422);
    const actions = (await t.ctx.db.select().from(auditLog).where(eq(auditLog.target, person.id))).map((r) => r.action);
    expect(actions).toContain("two-factor.recovery-code-used");
  });

  it("sends the person back to the password after five wrong codes", async () => {
    const person = await t.person();
    const { secret } = await enable(person);
    const { browser } = await password(person);
    for (let i = 0; i < 4; i++) expect((await browser.post("/login/two-factor", { code: "000000" })).status).toBe(422);
    const fifth = await browser.post("/login/two-factor", { code: "000000" });
    expect(fifth.status).toBe(303);
    expect(fifth.headers.get("Location")).toBe("/login");
    const late = await browser.post("/login/two-factor", { code: totpCode(secret, t.clock.now()) });
    expect(late.headers.get("Location")).toBe("/login");
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it("has nothing to offer without a pending sign-in", async () => {
    const res = await t.client().post("/login/two-factor", { code: "123456" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/login");
  });

  it("turns off with a code, and then the password alone signs in", async () => {
    const person = await t.person();
    const { secret } = await enable(person);
    const browser = await t.signedIn(person);
    expect((await browser.post("/profile/two-factor/disable", { code: "999999" })).status).toBe(422);
    expect((await browser.post("/profile/two-factor/disable", { code: totpCode(secret, t.clock.now()) })).status).toBe(
      303,
    );
    const { res } = await password(person);
    expect(res.headers.get("Location")).toBe("/");
    const actions = (await t.ctx.db.select().from(auditLog).where(eq(auditLog.target, person.id))).map((r) => r.action);
    expect(actions).toContain("two-factor.disabled");
  });
});

describe("when admins require two-factor", () => {
  it("makes a person without it set it up before they are signed in, and keeps it on", async () => {
    const admin = await t.signedIn("admin");
    const saved = await admin.post("/admin/sso", { buttonLabel: "SSO", groupsClaim: "groups", requireTwoFactor: "on" });
    expect(saved.status).toBe(303);
    try {
      const person = await t.person();
      const { browser, res } = await password(person);
      expect(res.headers.get("Location")).toBe("/login/two-factor");
      const setup = await (await browser.get("/login/two-factor")).text();
      expect(setup).toContain("Two-factor is required");
      const secret = /id="totp-secret"[^>]*value="([A-Z2-7]+)"/.exec(setup)?.[1] ?? "";
      expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
      const done = await browser.post("/login/two-factor", { code: totpCode(secret, t.clock.now()) });
      expect(done.status).toBe(200);
      expect(await done.text()).toContain("Save your recovery codes");
      expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
      t.clock.advance(STEP);
      const off = await browser.post("/profile/two-factor/disable", { code: totpCode(secret, t.clock.now()) });
      expect(off.status).toBe(403);
      const changes = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, "sso.settings-changed"));
      expect(changes.some((r) => (r.details.changed as string[]).includes("requireTwoFactor"))).toBe(true);
    } finally {
      await admin.post("/admin/sso", { buttonLabel: "SSO", groupsClaim: "groups" });
    }
  });
});

describe("an admin resetting two-factor", () => {
  it("turns it off for a person who lost their phone, audit-logged; a member cannot", async () => {
    const person = await t.person();
    await enable(person);
    const member = await t.signedIn("member");
    expect((await member.post(`/admin/people/${person.id}/two-factor/reset`)).status).toBe(403);
    const admin = await t.signedIn("admin");
    expect(await (await admin.get(`/admin/people/${person.id}`)).text()).toContain("Reset two-factor");
    expect((await admin.post(`/admin/people/${person.id}/two-factor/reset`)).status).toBe(303);
    const { res } = await password(person);
    expect(res.headers.get("Location")).toBe("/");
    const [entry] = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, "two-factor.reset-by-admin"));
    expect(entry?.target).toBe(person.id);
    expect(entry?.actorId).toBe(admin.person.id);
  });
});
