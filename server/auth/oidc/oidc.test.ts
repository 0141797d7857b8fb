import { afterAll, beforeAll, describe, expect, it, setSystemTime } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog } from "../../org/schema.ts";
import { findPersonByEmail } from "../../people/people.ts";
import { people, teamMembers, teams } from "../../people/schema.ts";
import { TEST_PASSWORD, type TestApp, type TestClient, testApp } from "../../testing/test-app.ts";
import { sessions } from "../schema.ts";
import { SESSION_COOKIE } from "../session.ts";
import { ssoIdentities, ssoSignInAttempts } from "./schema.ts";
import { startTestProvider, type TestProvider } from "./test-provider.ts";

// The whole sign-in runs over HTTP against a real OpenID provider on 127.0.0.1: DeskTrust's
// redirect, the provider's login and consent forms, the callback, the code exchange.

let t: TestApp;
let provider: TestProvider;
let admin: TestClient & { person: { id: string } };
let platformTeamId: string;

beforeAll(async () => {
  provider = await startTestProvider({ redirectUris: ["http://localhost:3000/login/sso/callback"] });
  t = await testApp({
    // The provider stamps tokens with the real time, so the app's clock starts there too.
    now: new Date().toISOString(),
    env: { OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_CLIENT_SECRET: provider.clientSecret },
  });
  admin = await t.signedIn("admin");
  const [team] = await t.ctx.db.insert(teams).values({ name: "Platform", timeZone: "UTC" }).returning();
  platformTeamId = team?.id ?? "";
  const saved = await saveSso({
    roleMapping: "desk-admins = admin\ndesk-managers = manager",
    teamMapping: "platform-eng = Platform",
    jitAccounts: "on",
  });
  expect(saved.status).toBe(303);
});
/** Posts the admin page's form: what it always sends, plus `fields`. */
function saveSso(fields: Record<string, string>): Promise<Response> {
  return admin.post("/admin/sso", { buttonLabel: "Sign in with Example ID", groupsClaim: "groups", ...fields });
}

afterAll(async () => {
  await t.close();
  await provider.close();
});

/** Follows a sign-in from DeskTrust through the provider's forms; returns the callback URL it comes back to. */
async function throughProvider(browser: TestClient, login: string, start = "/login/sso"): Promise<string> {
  const begin = await browser.get(start);
  expect(begin.status).toBe(303);
  let url = begin.headers.get("Location") ?? "";
  expect(url.startsWith(`${provider.issuer}/auth?`)).toBe(true);
  const jar = new Map<string, string>();
  const call = async (target: string, form?: Record<string, string>): Promise<Response> => {
    const headers: Record<string, string> = { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") };
    const init: RequestInit = { redirect: "manual", headers };
    if (form) {
      init.method = "POST";
      init.body = new URLSearchParams(form);
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    const res = await fetch(target, init);
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = (pair ?? "").indexOf("=");
      jar.set((pair ?? "").slice(0, at), (pair ?? "").slice(at + 1));
    }
    return res;
  };
  for (let step = 0; step < 12 && url.startsWith(provider.issuer); step++) {
    const res = await call(url);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get("Location") ?? "", url).href;
      continue;
    }
    // The provider's own login or consent form.
    const html = await res.text();
    const action = /action="([^"]+)"/.exec(html)?.[1] ?? "";
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? "";
    const form: Record<string, string> = prompt === "login" ? { prompt, login, password: "anything" } : { prompt };
    const posted = await call(new URL(action, url).href, form);
    url = new URL(posted.headers.get("Location") ?? "", url).href;
  }
  expect(url.startsWith("http://localhost:3000/login/sso/callback?")).toBe(true);
  return url;
}

async function callback(browser: TestClient, url: string): Promise<Response> {
  const u = new URL(url);
  return browser.get(u.pathname + u.search);
}

async function signInAs(login: string): Promise<{ browser: TestClient; res: Response }> {
  const browser = t.client();
  const res = await callback(browser, await throughProvider(browser, login));
  return { browser, res };
}

async function auditActions(target: string): Promise<string[]> {
  const rows = await t.ctx.db.select().from(auditLog).where(eq(auditLog.target, target));
  return rows.map((r) => r.action);
}

describe("signing in with the identity provider", () => {
  it("shows the provider's button on the login page", async () => {
    const html = await (await t.client().get("/login")).text();
    expect(html).toContain('href="/login/sso"');
    expect(html).toContain("Sign in with Example ID");
  });

  it("creates an account just in time for the organization's domain, with role and team from groups", async () => {
    provider.accounts.set("ada", {
      email: "ada@example.com",
      name: "Ada Lovelace",
      groups: ["desk-admins", "platform-eng"],
    });
    const { browser, res } = await signInAs("ada");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
    const person = await findPersonByEmail(t.ctx.db, "ada@example.com");
    expect(person?.name).toBe("Ada Lovelace");
    expect(person?.role).toBe("admin");
    expect(person?.passwordHash).toBeNull();
    const membership = await t.ctx.db
      .select()
      .from(teamMembers)
      .where(and(eq(teamMembers.personId, person?.id ?? ""), eq(teamMembers.teamId, platformTeamId)));
    expect(membership).toHaveLength(1);
    expect(await auditActions(person?.id ?? "")).toContain("person.created-by-sso");
    const home = await browser.get("/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Hello, Ada");
  });

  it("follows the groups on every sign-in: out of the admin group and the team means member, off the team", async () => {
    provider.accounts.set("grace", { email: "grace@example.com", groups: ["desk-managers", "platform-eng"] });
    await signInAs("grace");
    expect((await findPersonByEmail(t.ctx.db, "grace@example.com"))?.role).toBe("manager");
    provider.accounts.set("grace", { email: "grace@example.com", groups: [] });
    const { res } = await signInAs("grace");
    expect(res.status).toBe(303);
    const grace = await findPersonByEmail(t.ctx.db, "grace@example.com");
    expect(grace?.role).toBe("member");
    const membership = await t.ctx.db
      .select()
      .from(teamMembers)
      .where(eq(teamMembers.personId, grace?.id ?? ""));
    expect(membership).toHaveLength(0);
    expect(await auditActions(grace?.id ?? "")).toEqual(
      expect.arrayContaining(["person.role-from-sso-groups", "person.teams-from-sso-groups"]),
    );
  });

  it("links an existing account by verified email and never changes an owner's role", async () => {
    const owner = await t.person({ email: "olga@example.com", role: "owner" });
    provider.accounts.set("olga-at-idp", { email: "OLGA@example.com", groups: [] });
    const { res } = await signInAs("olga-at-idp");
    expect(res.status).toBe(303);
    const [identity] = await t.ctx.db.select().from(ssoIdentities).where(eq(ssoIdentities.personId, owner.id));
    expect(identity?.subject).toBe("olga-at-idp");
    expect((await findPersonByEmail(t.ctx.db, "olga@example.com"))?.role).toBe("owner");
    expect(await auditActions(owner.id)).toContain("sso.identity-linked");
  });

  it("does not link or create an account from an unverified email", async () => {
    const existing = await t.person({ email: "vic@example.com" });
    provider.accounts.set("vic-fake", { email: "vic@example.com", emailVerified: false });
    const { browser, res } = await signInAs("vic-fake");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("did not confirm your email");
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await t.ctx.db.select().from(ssoIdentities).where(eq(ssoIdentities.personId, existing.id))).toHaveLength(0);
  });

  it("creates no account for an email outside the organization's domains", async () => {
    provider.accounts.set("mallory", { email: "mallory@elsewhere.org" });
    const { browser, res } = await signInAs("mallory");
    expect(res.status).toBe(403);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await findPersonByEmail(t.ctx.db, "mallory@elsewhere.org")).toBeNull();
  });

  it("refuses a deactivated person", async () => {
    provider.accounts.set("dora", { email: "dora@example.com" });
    await signInAs("dora");
    const dora = await findPersonByEmail(t.ctx.db, "dora@example.com");
    await t.ctx.db
      .update(people)
      .set({ status: "deactivated" })
      .where(eq(people.id, dora?.id ?? ""));
    const { res } = await signInAs("dora");
    expect(res.status).toBe(403);
  });

  it("goes back to the page the person asked for, and only to a same-site path", async () => {
    provider.accounts.set("nina", { email: "nina@example.com" });
    const browser = t.client();
    const res = await callback(browser, await throughProvider(browser, "nina", "/login/sso?next=%2Fteams"));
    expect(res.headers.get("Location")).toBe("/teams");
    const evil = t.client();
    const res2 = await callback(evil, await throughProvider(evil, "nina", "/login/sso?next=%2F%2Fevil.example"));
    expect(res2.headers.get("Location")).toBe("/");
  });

  it("ends only the local session on sign-out", async () => {
    provider.accounts.set("otto", { email: "otto@example.com" });
    const { browser } = await signInAs("otto");
    expect((await browser.get("/")).status).toBe(200);
    const out = await browser.post("/logout");
    expect(out.status).toBe(303);
    expect((await browser.get("/")).status).toBe(303);
  });

  it("keeps working after the provider rotates its signing key", async () => {
    provider.accounts.set("rita", { email: "rita@example.com" });
    expect((await signInAs("rita")).res.status).toBe(303);
    await provider.rotateKey();
    // openid-client refetches the provider's keys when a token names an unknown key and its copy
    // is over a minute old (so a flood of bad tokens cannot make it hammer the provider).
    const later = Date.now() + 61_000;
    setSystemTime(new Date(later));
    t.clock.set(new Date(later));
    try {
      expect((await signInAs("rita")).res.status).toBe(303);
    } finally {
      setSystemTime();
      t.clock.set(new Date());
    }
  });
});

describe("what the callback refuses", () => {
  it("refuses a replayed state, in the same browser and in another one", async () => {
    provider.accounts.set("rex", { email: "rex@example.com" });
    const browser = t.client();
    const url = await throughProvider(browser, "rex");
    const plantedState = browser.cookies.get("dt_sso_state") ?? "";
    expect((await callback(browser, url)).status).toBe(303);
    // The same browser again: the state cookie is gone and the attempt is used up.
    const again = await callback(browser, url);
    expect(again.status).toBe(400);
    // An attacker replaying the URL with the state cookie still set: the attempt is used up.
    const attacker = t.client();
    attacker.cookies.set("dt_sso_state", plantedState);
    const replayed = await callback(attacker, url);
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toContain("used already");
    expect(attacker.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it("refuses a callback that did not start in this browser", async () => {
    provider.accounts.set("sam", { email: "sam@example.com" });
    const victim = t.client();
    const url = await throughProvider(victim, "sam");
    const other = t.client();
    const res = await callback(other, url);
    expect(res.status).toBe(400);
    expect(other.cookies.has(SESSION_COOKIE)).toBe(false);
    // The attempt is still there for the browser that started it.
    expect((await callback(victim, url)).status).toBe(303);
  });

  it("refuses an expired attempt", async () => {
    provider.accounts.set("eve", { email: "eve@example.com" });
    const browser = t.client();
    const url = await throughProvider(browser, "eve");
    t.clock.advance(11 * 60_000);
    try {
      expect((await callback(browser, url)).status).toBe(400);
    } finally {
      t.clock.advance(-11 * 60_000);
    }
  });

  for (const spoil of ["tampered", "expired"] as const) {
    it(`refuses a ${spoil} ID token and signs nobody in`, async () => {
      provider.accounts.set(`${spoil}-user`, { email: `${spoil}-user@example.com` });
      provider.spoil = spoil;
      try {
        const { browser, res } = await signInAs(`${spoil}-user`);
        expect(res.status).toBe(400);
        expect(await res.text()).toContain("could not be verified");
        expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
        expect(await findPersonByEmail(t.ctx.db, `${spoil}-user@example.com`)).toBeNull();
        expect(await findPersonByEmail(t.ctx.db, "intruder@example.com")).toBeNull();
      } finally {
        provider.spoil = "none";
      }
    });
  }

  it("judges ID-token expiry by the app's clock", async () => {
    provider.accounts.set("tim", { email: "tim@example.com" });
    const browser = t.client();
    const url = await throughProvider(browser, "tim");
    // Two hours on: the provider's one-hour ID token has expired (the attempt itself is made to still be valid).
    await t.ctx.db.update(ssoSignInAttempts).set({ expiresAt: new Date(Date.now() + 3 * 3_600_000) });
    t.clock.advance(2 * 3_600_000);
    try {
      expect((await callback(browser, url)).status).toBe(400);
    } finally {
      t.clock.advance(-2 * 3_600_000);
    }
  });

  it("says so when the provider refuses", async () => {
    const res = await t.client().get("/login/sso/callback?error=access_denied&state=x");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("access_denied");
  });
});

describe("single sign-on only", () => {
  it("turns passwords off except for the break-glass owner", async () => {
    const breakGlass = await t.person({ role: "owner" });
    const member = await t.person();
    const refused = await saveSso({ ssoOnly: "on" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Choose the owner who may still sign in");
    const saved = await saveSso({
      ssoOnly: "on",
      jitAccounts: "on",
      breakGlassPersonId: breakGlass.id,
      roleMapping: "desk-admins = admin",
    });
    expect(saved.status).toBe(303);
    try {
      const memberTry = t.client();
      const res = await memberTry.post("/login", { email: member.email, password: TEST_PASSWORD });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("identity provider only");
      expect(memberTry.cookies.has(SESSION_COOKIE)).toBe(false);
      const ownerTry = await t.client().post("/login", { email: breakGlass.email, password: TEST_PASSWORD });
      expect(ownerTry.status).toBe(303);
      provider.accounts.set("sso-only", { email: "sso-only@example.com" });
      expect((await signInAs("sso-only")).res.status).toBe(303);
      const actions = (await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, "sso.settings-changed"))).map(
        (r) => r.details,
      );
      expect(actions.some((d) => d.ssoOnly === true)).toBe(true);
    } finally {
      await saveSso({ roleMapping: "desk-admins = admin", jitAccounts: "on" });
    }
  });
});

describe("the admin page", () => {
  it("names the field of a bad mapping and saves nothing", async () => {
    const form = async (): Promise<string> => (await (await admin.get("/admin/sso")).text()).split("<main")[1] ?? "";
    const before = await form();
    const badRole = await saveSso({ roleMapping: "desk-admins = owner" });
    expect(badRole.status).toBe(422);
    expect(await badRole.text()).toContain("Line 1: the role must be admin, manager or member.");
    const badTeam = await saveSso({ teamMapping: "x = No Such Team" });
    expect(badTeam.status).toBe(422);
    expect(await badTeam.text()).toContain("there is no team called");
    const badIssuer = await saveSso({ issuer: "http://idp.example.com", clientId: "x" });
    expect(badIssuer.status).toBe(422);
    const empty = await admin.post("/admin/sso", {});
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('id="f-buttonLabel-error">This field is required.');
    expect(await form()).toBe(before);
  });

  it("is for admins only", async () => {
    const member = await t.signedIn("member");
    expect((await member.get("/admin/sso")).status).toBe(403);
    expect((await member.post("/admin/sso", { ssoOnly: "" })).status).toBe(403);
  });

  it("stores sessions only for people who finished the flow", async () => {
    const rows = await t.ctx.db.select().from(sessions);
    expect(rows.length).toBeGreaterThan(0);
  });
});
