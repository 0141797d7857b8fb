import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { sessionRef } from "../auth/own-sessions.ts";
import { sessions } from "../auth/schema.ts";
import { SESSION_COOKIE } from "../auth/session.ts";
import { hashToken } from "../auth/tokens.ts";
import { TEST_PASSWORD, type TestApp, type TestClient, testApp } from "../testing/test-app.ts";
import { findPerson } from "./people.ts";
import { outOfOffice } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const weekdaysOn = (start = "09:00", end = "17:00"): Record<string, string> => {
  const fields: Record<string, string> = {};
  for (const day of ["mon", "tue", "wed", "thu", "fri"]) {
    fields[`hours.${day}.on`] = "on";
    fields[`hours.${day}.start`] = start;
    fields[`hours.${day}.end`] = end;
  }
  return fields;
};

/** The ref a profile page uses for the session a client is signed in with. */
const refOf = (client: TestClient): string => sessionRef(hashToken(client.cookies.get(SESSION_COOKIE) as string));

describe("editing your profile", () => {
  it("shows the profile with the current values and this device marked", async () => {
    const me = await t.signedIn("member");
    const res = await me.get("/profile");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`value="${me.person.name}"`);
    expect(html).toContain('name="timeZone" type="text" value="UTC"');
    expect(html).toContain('class="hours-grid"');
    expect(html).toContain("This device");
    expect(html).toContain('action="/logout-everywhere"');
  });

  it("saves name, time zone and working hours", async () => {
    const me = await t.signedIn("member");
    const res = await me.post("/profile", {
      name: "  Ada Lovelace ",
      timeZone: "Asia/Tokyo",
      ...weekdaysOn("08:30", "16:30"),
      "hours.sat.start": "10:00",
      "hours.sat.end": "12:00",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/profile");
    const person = await findPerson(t.ctx.db, me.person.id);
    expect(person?.name).toBe("Ada Lovelace");
    expect(person?.timeZone).toBe("Asia/Tokyo");
    expect(person?.workingHours).toEqual({
      mon: [["08:30", "16:30"]],
      tue: [["08:30", "16:30"]],
      wed: [["08:30", "16:30"]],
      thu: [["08:30", "16:30"]],
      fri: [["08:30", "16:30"]],
    });
    expect(await (await me.get("/profile")).text()).toContain("Your profile is saved.");
  });

  it("rejects an unknown time zone with 422 and saves nothing", async () => {
    const me = await t.signedIn("member");
    const res = await me.post("/profile", { name: "Changed Name", timeZone: "Mars/Olympus", ...weekdaysOn() });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Choose a time zone from the list");
    expect(html).toContain('value="Mars/Olympus"');
    const person = await findPerson(t.ctx.db, me.person.id);
    expect(person?.name).toBe(me.person.name);
    expect(person?.timeZone).toBe("UTC");
  });

  it("rejects working hours that end before they start, or are not times, with 422 and saves nothing", async () => {
    const me = await t.signedIn("member");
    const backwards = await me.post("/profile", {
      name: "Changed Name",
      timeZone: "Europe/Paris",
      ...weekdaysOn(),
      "hours.tue.start": "18:00",
      "hours.tue.end": "09:00",
      "hours.wed.start": "nine",
    });
    expect(backwards.status).toBe(422);
    const html = await backwards.text();
    expect(html).toContain("Tuesday: the end must be after the start.");
    expect(html).toContain("Wednesday: enter start and end as HH:MM.");
    const person = await findPerson(t.ctx.db, me.person.id);
    expect(person?.name).toBe(me.person.name);
    expect(person?.timeZone).toBe("UTC");
    expect(person?.workingHours).toEqual(me.person.workingHours);
  });

  it("needs a name", async () => {
    const me = await t.signedIn("member");
    const res = await me.post("/profile", { name: "   ", timeZone: "UTC", ...weekdaysOn() });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Name is required.");
  });

  it("is for signed-in people only", async () => {
    expect((await t.client().get("/profile")).status).toBe(303);
    expect((await t.client().post("/profile", { name: "X", timeZone: "UTC" })).status).toBe(401);
  });
});

describe("changing your password", () => {
  it("changes it and signs out every other session, keeping this one", async () => {
    const person = await t.person();
    const laptop = await t.signedIn(person);
    const phone = await t.signedIn(person);
    const res = await laptop.post("/profile/password", {
      current: TEST_PASSWORD,
      password: "a fresh new passphrase",
      confirm: "a fresh new passphrase",
    });
    expect(res.status).toBe(303);
    expect(await (await laptop.get("/profile")).text()).toContain("signed out on 1 other device");
    expect((await phone.get("/")).status).toBe(303);
    expect(await t.ctx.db.select().from(sessions).where(eq(sessions.personId, person.id))).toHaveLength(1);
    expect((await t.client().post("/login", { email: person.email, password: "a fresh new passphrase" })).status).toBe(
      303,
    );
  });

  it("refuses a wrong current password with 422 and changes nothing", async () => {
    const person = await t.person();
    const laptop = await t.signedIn(person);
    const phone = await t.signedIn(person);
    const res = await laptop.post("/profile/password", {
      current: "not my password",
      password: "a fresh new passphrase",
      confirm: "a fresh new passphrase",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("That is not your current password.");
    expect((await phone.get("/")).status).toBe(200);
    const after = await findPerson(t.ctx.db, person.id);
    expect(after?.passwordHash).toBe(person.passwordHash);
  });

  it("checks the new password's rules and the confirmation", async () => {
    const person = await t.person();
    const me = await t.signedIn(person);
    const short = await me.post("/profile/password", { current: TEST_PASSWORD, password: "short", confirm: "short" });
    expect(short.status).toBe(422);
    expect(await short.text()).toContain("Use at least 10 characters.");
    const differs = await me.post("/profile/password", {
      current: TEST_PASSWORD,
      password: "a fresh new passphrase",
      confirm: "a different passphrase",
    });
    expect(differs.status).toBe(422);
    expect(await differs.text()).toContain("The two new passwords differ.");
    expect((await findPerson(t.ctx.db, person.id))?.passwordHash).toBe(person.passwordHash);
  });
});

describe("signing out sessions", () => {
  it("signs out one of your other devices", async () => {
    const person = await t.person();
    const laptop = await t.signedIn(person);
    const phone = await t.signedIn(person);
    const page = await (await laptop.get("/profile")).text();
    expect(page).toContain(`/profile/sessions/${refOf(phone)}/revoke`);
    expect(page).not.toContain(phone.cookies.get(SESSION_COOKIE) as string);
    const res = await laptop.post(`/profile/sessions/${refOf(phone)}/revoke`);
    expect(res.status).toBe(303);
    expect((await phone.get("/")).status).toBe(303);
    expect((await laptop.get("/")).status).toBe(200);
  });

  it("signing out this device ends the session and goes to the login page", async () => {
    const me = await t.signedIn("member");
    const res = await me.post(`/profile/sessions/${refOf(me)}/revoke`);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/login");
    expect(me.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it("cannot sign out someone else's session", async () => {
    const attacker = await t.signedIn("member");
    const victim = await t.signedIn("member");
    const res = await attacker.post(`/profile/sessions/${refOf(victim)}/revoke`);
    expect(res.status).toBe(404);
    expect((await victim.get("/")).status).toBe(200);
    const admin = await t.signedIn("admin");
    expect((await admin.post(`/profile/sessions/${refOf(victim)}/revoke`)).status).toBe(404);
    expect((await victim.get("/")).status).toBe(200);
    expect((await attacker.post("/profile/sessions/not-a-ref/revoke")).status).toBe(404);
  });
});

describe("own out-of-office", () => {
  it("adds a period in the person's own zone and deletes it; nobody else's period can be deleted", async () => {
    const me = await t.signedIn(await t.person({ timeZone: "Europe/Berlin" }));
    const res = await me.post("/profile/ooo", {
      startsAt: "2026-07-06T09:00",
      endsAt: "2026-07-10T18:00",
      note: "Holiday",
    });
    expect(res.status).toBe(303);
    const [period] = await t.ctx.db.select().from(outOfOffice).where(eq(outOfOffice.personId, me.person.id));
    expect(period?.startsAt.toISOString()).toBe("2026-07-06T07:00:00.000Z");
    expect(await (await me.get("/profile")).text()).toContain("Holiday");
    const other = await t.signedIn("member");
    expect((await other.post(`/profile/ooo/${period?.id}/delete`)).status).toBe(404);
    expect((await me.post("/profile/ooo", { startsAt: "2026-07-10T09:00", endsAt: "2026-07-06T09:00" })).status).toBe(
      422,
    );
    expect((await me.post(`/profile/ooo/${period?.id}/delete`)).status).toBe(303);
    expect(await t.ctx.db.select().from(outOfOffice).where(eq(outOfOffice.personId, me.person.id))).toHaveLength(0);
  });
});
