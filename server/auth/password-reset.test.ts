import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq, like, sql } from "drizzle-orm";
import { afterResponseSettled } from "../http/after-response.ts";
import { mailOutbox } from "../mail/schema.ts";
import { people } from "../people/schema.ts";
import { TEST_PASSWORD, type TestApp, testApp } from "../testing/test-app.ts";
import { RESET_LIFETIME_MS } from "./password-reset.ts";
import { passwordResets, sessions } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const NEW_PASSWORD = "a brand new passphrase";

/** Asks for a reset link and reads it out of the outbox, the way the person would read their mail. */
async function requestLink(email: string): Promise<string> {
  const res = await t.client().post("/forgot-password", { email });
  expect(res.status).toBe(200);
  const [mail] = await t.ctx.db
    .select()
    .from(mailOutbox)
    .where(sql`${mailOutbox.to} = ${email} and ${mailOutbox.dedupeKey} like 'reset:%'`)
    .orderBy(sql`${mailOutbox.createdAt} desc`)
    .limit(1);
  const link = mail?.text.match(/http:\/\/localhost:3000\/reset-password\/[a-z0-9]+/)?.[0];
  expect(link).toBeDefined();
  return (link as string).replace("http://localhost:3000", "");
}

const outboxCount = async (to: string): Promise<number> =>
  (await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, to))).length;

describe("password reset", () => {
  it("resets the password through the emailed link and signs the person out everywhere", async () => {
    const person = await t.person();
    const laptop = await t.signedIn(person);
    const phone = await t.signedIn(person);
    const path = await requestLink(person.email);
    // Asking for a link changes nothing yet.
    expect((await laptop.get("/")).status).toBe(200);

    const browser = t.client();
    const form = await browser.get(path);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("Choose a new password");
    const res = await browser.post(path, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/login");
    expect(await (await browser.get("/login")).text()).toContain("Your password is changed");

    expect(await t.ctx.db.select().from(sessions).where(eq(sessions.personId, person.id))).toHaveLength(0);
    expect((await laptop.get("/")).status).toBe(303);
    expect((await phone.get("/")).status).toBe(303);
    expect((await t.client().post("/login", { email: person.email, password: TEST_PASSWORD })).status).toBe(422);
    expect((await t.client().post("/login", { email: person.email, password: NEW_PASSWORD })).status).toBe(303);
  });

  it("stores only the token's hash", async () => {
    const person = await t.person();
    const path = await requestLink(person.email);
    const token = path.split("/").pop() as string;
    const rows = await t.ctx.db.select().from(passwordResets).where(eq(passwordResets.personId, person.id));
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("works once", async () => {
    const person = await t.person();
    const path = await requestLink(person.email);
    expect((await t.client().post(path, { password: NEW_PASSWORD })).status).toBe(303);
    const again = await t.client().get(path);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("already been used");
    expect((await t.client().post(path, { password: "yet another passphrase" })).status).toBe(404);
    expect((await t.client().post("/login", { email: person.email, password: NEW_PASSWORD })).status).toBe(303);
  });

  it("spends every other open link of the person when one is used", async () => {
    const person = await t.person();
    const first = await requestLink(person.email);
    const second = await requestLink(person.email);
    expect((await t.client().post(second, { password: NEW_PASSWORD })).status).toBe(303);
    expect((await t.client().get(first)).status).toBe(404);
  });

  it("expires after one hour", async () => {
    const person = await t.person();
    const path = await requestLink(person.email);
    t.clock.advance(RESET_LIFETIME_MS - 1_000);
    expect((await t.client().get(path)).status).toBe(200);
    t.clock.advance(1_000);
    const res = await t.client().get(path);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("expired");
    expect((await t.client().post(path, { password: NEW_PASSWORD })).status).toBe(404);
  });

  it("does not reveal whether an account exists", async () => {
    const person = await t.person();
    const known = await t.client().post("/forgot-password", { email: person.email });
    const unknown = await t.client().post("/forgot-password", { email: "nobody-here@example.com" });
    expect(known.status).toBe(unknown.status);
    expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
    const knownBody = (await known.text()).replace(person.email, "EMAIL");
    const unknownBody = (await unknown.text()).replace("nobody-here@example.com", "EMAIL");
    expect(knownBody).toBe(unknownBody);
    expect(knownBody).toContain("If an account exists for <strong>EMAIL</strong>");
    expect(await outboxCount("nobody-here@example.com")).toBe(0);
    expect(await outboxCount(person.email)).toBe(1);
  });

  it("sends at most three links per address per hour", async () => {
    const person = await t.person();
    for (let i = 0; i < 5; i++) {
      const res = await t.client().post("/forgot-password", { email: person.email });
      expect(res.status).toBe(200);
    }
    expect(await outboxCount(person.email)).toBe(3);
    t.clock.advance(61 * 60_000);
    await t.client().post("/forgot-password", { email: person.email });
    expect(await outboxCount(person.email)).toBe(4);
  });

  it("sends nothing for a deactivated account", async () => {
    const person = await t.person();
    await t.ctx.db.update(people).set({ status: "deactivated" }).where(eq(people.id, person.id));
    await t.client().post("/forgot-password", { email: person.email });
    expect(await outboxCount(person.email)).toBe(0);
  });

  it("rejects a malformed email or a short password with 422 and changes nothing", async () => {
    const before = await t.ctx.db.select().from(mailOutbox).where(like(mailOutbox.dedupeKey, "reset:%"));
    const bad = await t.client().post("/forgot-password", { email: "no at sign" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Enter an email address");
    const after = await t.ctx.db.select().from(mailOutbox).where(like(mailOutbox.dedupeKey, "reset:%"));
    expect(after).toHaveLength(before.length);

    const person = await t.person();
    const path = await requestLink(person.email);
    const short = await t.client().post(path, { password: "short" });
    expect(short.status).toBe(422);
    expect(await short.text()).toContain("Use at least 10 characters.");
    const mismatch = await t.client().post(path, { password: NEW_PASSWORD, confirm: "something else entirely" });
    expect(mismatch.status).toBe(422);
    // The link is still good after a failed attempt.
    expect((await t.client().post(path, { password: NEW_PASSWORD })).status).toBe(303);
  });

  it("answers 404 for a link that never existed", async () => {
    expect((await t.client().get("/reset-password/made-up")).status).toBe(404);
  });
});

describe("timing of /forgot-password", () => {
  it("answers before it looks the address up or queues the mail, so known and unknown addresses cost the same", async () => {
    const person = await t.person();
    const post = (email: string) =>
      t.app.request(`${t.client().origin}/forgot-password`, {
        method: "POST",
        body: new URLSearchParams({ email }),
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: t.client().origin },
      });
    const res = await post(person.email);
    expect(res.status).toBe(200);
    expect(await outboxCount(person.email)).toBe(0);
    await afterResponseSettled();
    expect(await outboxCount(person.email)).toBe(1);
  });
});
