import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { mailOutbox } from "../mail/schema.ts";
import { auditLog, organization } from "../org/schema.ts";
import { people, teamMembers, teams } from "../people/schema.ts";
import { type TestApp, type TestClient, testApp } from "../testing/test-app.ts";
import { INVITE_LIFETIME_MS } from "./invites.ts";
import { invites } from "./schema.ts";
import { SESSION_COOKIE } from "./session.ts";

let t: TestApp;
let admin: TestClient & { person: { id: string } };
let teamId: string;

beforeAll(async () => {
  t = await testApp();
  await t.ctx.db.update(organization).set({ defaultTimeZone: "Europe/Berlin" });
  admin = await t.signedIn("admin");
  const [team] = await t.ctx.db.insert(teams).values({ name: "Platform", timeZone: "Europe/Berlin" }).returning();
  teamId = team?.id as string;
});
afterAll(() => t.close());

let counter = 0;
const freshEmail = (): string => `invitee${++counter}@example.com`;

/** Creates an invite through the admin page and returns the link shown once on it. */
async function invite(fields: Record<string, string> = {}): Promise<{ email: string; link: string; token: string }> {
  const email = fields.email ?? freshEmail();
  const res = await admin.post("/admin/invites", { email, name: "New Person", role: "member", teamId: "", ...fields });
  expect(res.status).toBe(201);
  const html = await res.text();
  const link = html.match(/id="invite-link"[^>]*value="([^"]+)"/)?.[1] ?? "";
  expect(link).toMatch(/^http:\/\/localhost:3000\/invite\/[a-z0-9]+$/);
  return { email, link, token: link.split("/").pop() as string };
}

const countRows = async (table: typeof invites | typeof mailOutbox | typeof people): Promise<number> => {
  const [row] = await t.ctx.db.select({ n: sql<number>`count(*)::int` }).from(table);
  return row?.n ?? 0;
};

describe("creating an invite", () => {
  it("shows the link once, stores only its hash and queues an email to the invitee", async () => {
    const { email, link, token } = await invite({ role: "manager", teamId });
    const [row] = await t.ctx.db.select().from(invites).where(eq(invites.email, email));
    expect(row?.role).toBe("manager");
    expect(row?.teamId).toBe(teamId);
    expect(row?.expiresAt.getTime()).toBe(t.clock.now().getTime() + INVITE_LIFETIME_MS);
    expect(JSON.stringify(await t.ctx.db.select().from(invites))).not.toContain(token);
    const [mail] = await t.ctx.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.dedupeKey, `invite:${row?.id}`));
    expect(mail?.to).toBe(email);
    expect(mail?.text).toContain(link);
    expect(mail?.text).toContain("Platform");
    // The listing shows the invite but never its link again.
    const list = await (await admin.get("/admin/invites")).text();
    expect(list).toContain(email);
    expect(list).not.toContain(token);
    expect(list).not.toContain('id="invite-link"');
  });

  it("refuses an email that already has an account, writing nothing", async () => {
    const existing = await t.person();
    const [invitesBefore, mailBefore] = [await countRows(invites), await countRows(mailOutbox)];
    const res = await admin.post("/admin/invites", { email: existing.email.toUpperCase(), role: "member" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("already has an account");
    expect(await countRows(invites)).toBe(invitesBefore);
    expect(await countRows(mailOutbox)).toBe(mailBefore);
  });

  it("rejects a bad email, an owner role or an unknown team with field errors and writes nothing", async () => {
    const before = await countRows(invites);
    const badEmail = await admin.post("/admin/invites", { email: "not-an-email", role: "member" });
    expect(badEmail.status).toBe(422);
    expect(await badEmail.text()).toContain("Enter an email address");
    const owner = await admin.post("/admin/invites", { email: freshEmail(), role: "owner" });
    expect(owner.status).toBe(422);
    expect(await owner.text()).toContain("Choose member, manager or admin.");
    const team = await admin.post("/admin/invites", {
      email: freshEmail(),
      role: "member",
      teamId: "00000000-0000-4000-8000-000000000000",
    });
    expect(team.status).toBe(422);
    expect(await team.text()).toContain("That team no longer exists.");
    expect(await countRows(invites)).toBe(before);
  });

  it("replaces an earlier pending invite to the same address", async () => {
    const email = freshEmail();
    const first = await invite({ email });
    await invite({ email });
    expect((await t.client().get(`/invite/${first.token}`)).status).toBe(404);
  });

  it("is for admins only", async () => {
    const member = await t.signedIn("member");
    const manager = await t.signedIn("manager");
    expect((await member.get("/admin/invites")).status).toBe(403);
    expect((await manager.get("/admin/invites")).status).toBe(403);
    expect((await member.post("/admin/invites", { email: freshEmail(), role: "admin" })).status).toBe(403);
  });
});

describe("accepting an invite", () => {
  it("creates the person with the invite's role and the org's time zone, joins the team and signs them in", async () => {
    const { email, token } = await invite({ role: "manager", teamId, name: "Grace Hopper" });
    const browser = t.client();
    const form = await browser.get(`/invite/${token}`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('value="Grace Hopper"');
    expect(html).toContain(">Join</button>");

    const res = await browser.post(`/invite/${token}`, { name: "Grace Hopper", password: "a long enough secret" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
    const home = await browser.get("/");
    expect(home.status).toBe(200);
    const homeHtml = await home.text();
    expect(homeHtml).toContain("Welcome to Test Org, Grace!");
    expect(homeHtml).toContain("Platform");

    const [person] = await t.ctx.db.select().from(people).where(eq(people.email, email));
    expect(person?.role).toBe("manager");
    expect(person?.timeZone).toBe("Europe/Berlin");
    const membership = await t.ctx.db
      .select()
      .from(teamMembers)
      .where(and(eq(teamMembers.personId, person?.id as string), eq(teamMembers.teamId, teamId)));
    expect(membership).toHaveLength(1);
    const [accepted] = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, "invite.accepted"));
    expect(accepted?.actorId).toBe(person?.id as string);
  });

  it("works once: a used link is refused", async () => {
    const { token } = await invite();
    await t.client().post(`/invite/${token}`, { name: "Once", password: "a long enough secret" });
    const again = await t.client().get(`/invite/${token}`);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("already been used");
    const before = await countRows(people);
    const post = await t.client().post(`/invite/${token}`, { name: "Twice", password: "a long enough secret" });
    expect(post.status).toBe(404);
    expect(await countRows(people)).toBe(before);
  });

  it("creates one person when the same link is submitted twice at once", async () => {
    const { email, token } = await invite();
    const fields = { name: "Racer", password: "a long enough secret" };
    const results = await Promise.all([
      t.client().post(`/invite/${token}`, fields),
      t.client().post(`/invite/${token}`, fields),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 404]);
    const rows = await t.ctx.db.select().from(people).where(eq(people.email, email));
    expect(rows).toHaveLength(1);
  });

  it("re-renders with field errors on a short password and creates nobody", async () => {
    const { email, token } = await invite();
    const res = await t.client().post(`/invite/${token}`, { name: "", password: "short" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Your name is required.");
    expect(html).toContain("Use at least 10 characters.");
    expect(await t.ctx.db.select().from(people).where(eq(people.email, email))).toHaveLength(0);
    const [row] = await t.ctx.db.select().from(invites).where(eq(invites.email, email));
    expect(row?.acceptedAt).toBeNull();
  });

  it("refuses a revoked invite", async () => {
    const { email, token } = await invite();
    const [row] = await t.ctx.db.select().from(invites).where(eq(invites.email, email));
    const revoke = await admin.post(`/admin/invites/${row?.id}/revoke`);
    expect(revoke.status).toBe(303);
    expect(await (await admin.get("/admin/invites")).text()).not.toContain(email);
    const res = await t.client().get(`/invite/${token}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("withdrawn");
    expect((await t.client().post(`/invite/${token}`, { name: "X", password: "a long enough secret" })).status).toBe(
      404,
    );
    expect((await admin.post(`/admin/invites/${row?.id}/revoke`)).status).toBe(404);
  });

  it("expires after 7 days", async () => {
    const { token } = await invite();
    t.clock.advance(INVITE_LIFETIME_MS - 60_000);
    expect((await t.client().get(`/invite/${token}`)).status).toBe(200);
    t.clock.advance(60_000);
    const res = await t.client().get(`/invite/${token}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("expired");
  });

  it("answers 404 for a link that never existed", async () => {
    const res = await t.client().get("/invite/not-a-real-token");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("not valid");
  });
});
