import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { auditLog } from "../org/schema.ts";
import type { TestApp } from "../testing/test-app.ts";
import { testApp } from "../testing/test-app.ts";
import { addOutOfOffice, isOutOfOffice, outOfOfficeFor } from "./out-of-office.ts";
import { outOfOffice } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ now: "2026-03-02T09:00:00Z" });
});
afterAll(() => t.close());

const periodsOf = (personId: string) => t.ctx.db.select().from(outOfOffice).where(eq(outOfOffice.personId, personId));

describe("adding out-of-office periods on the person page", () => {
  it("reads the times as wall-clock times in the person's own zone and stores UTC instants", async () => {
    const admin = await t.signedIn("admin");
    const sydney = await t.person({ timeZone: "Australia/Sydney" });
    const res = await admin.post(`/admin/people/${sydney.id}/ooo`, {
      startsAt: "2026-03-10T09:00",
      endsAt: "2026-03-13T17:30",
      note: "Conference",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/people/${sydney.id}`);
    const [period] = await periodsOf(sydney.id);
    // Sydney is on daylight time (UTC+11) in March.
    expect(period?.startsAt.toISOString()).toBe("2026-03-09T22:00:00.000Z");
    expect(period?.endsAt.toISOString()).toBe("2026-03-13T06:30:00.000Z");
    expect(period?.note).toBe("Conference");
    const [entry] = await t.ctx.db.select().from(auditLog).where(eq(auditLog.target, sydney.id));
    expect(entry).toMatchObject({ actorId: admin.person.id, action: "person.ooo-added" });

    const page = await (await admin.get(`/admin/people/${sydney.id}`)).text();
    expect(page).toContain("Tue, 10 Mar 2026, 09:00 – Fri, 13 Mar 2026, 17:30");
    expect(page).toContain("Conference");
  });

  it("refuses an end before the start with 422 on the end field and stores nothing", async () => {
    const admin = await t.signedIn("admin");
    const person = await t.person();
    const res = await admin.post(`/admin/people/${person.id}/ooo`, {
      startsAt: "2026-03-10T09:00",
      endsAt: "2026-03-10T08:00",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("The end must be after the start.");
    expect(html).toContain('value="2026-03-10T08:00"');
    expect(await periodsOf(person.id)).toHaveLength(0);
  });

  it("refuses a missing or malformed time with 422", async () => {
    const admin = await t.signedIn("admin");
    const person = await t.person();
    const res = await admin.post(`/admin/people/${person.id}/ooo`, { startsAt: "next tuesday", endsAt: "" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Enter the start as a date and time.");
    expect(html).toContain("Enter the end as a date and time.");
    expect(await periodsOf(person.id)).toHaveLength(0);
  });

  it("deletes a period, and only the person's own period", async () => {
    const admin = await t.signedIn("admin");
    const person = await t.person();
    const other = await t.person();
    const base = { startsAt: new Date("2026-04-01T00:00:00Z"), endsAt: new Date("2026-04-02T00:00:00Z"), note: "" };
    const mine = await addOutOfOffice(t.ctx.db, {
      ...base,
      personId: person.id,
      actorId: admin.person.id,
      at: t.clock.now(),
    });
    const theirs = await addOutOfOffice(t.ctx.db, {
      ...base,
      personId: other.id,
      actorId: admin.person.id,
      at: t.clock.now(),
    });

    expect((await admin.post(`/admin/people/${person.id}/ooo/${theirs.id}/delete`)).status).toBe(404);
    expect((await admin.post(`/admin/people/${person.id}/ooo/not-a-uuid/delete`)).status).toBe(404);
    expect(await periodsOf(other.id)).toHaveLength(1);

    expect((await admin.post(`/admin/people/${person.id}/ooo/${mine.id}/delete`)).status).toBe(303);
    expect(await periodsOf(person.id)).toHaveLength(0);
  });
});

describe("asking whether someone is out of office", () => {
  it("treats a period as half-open: out from the first instant, back at the last", async () => {
    const person = await t.person();
    await addOutOfOffice(t.ctx.db, {
      personId: person.id,
      startsAt: new Date("2026-05-04T08:00:00Z"),
      endsAt: new Date("2026-05-05T08:00:00Z"),
      note: "",
      actorId: person.id,
      at: t.clock.now(),
    });
    expect(await isOutOfOffice(t.ctx.db, person.id, new Date("2026-05-04T07:59:59Z"))).toBe(false);
    expect(await isOutOfOffice(t.ctx.db, person.id, new Date("2026-05-04T08:00:00Z"))).toBe(true);
    expect(await isOutOfOffice(t.ctx.db, person.id, new Date("2026-05-05T07:59:59Z"))).toBe(true);
    expect(await isOutOfOffice(t.ctx.db, person.id, new Date("2026-05-05T08:00:00Z"))).toBe(false);
  });

  it("lists current and upcoming periods, earliest first, and leaves out ended ones", async () => {
    const person = await t.person();
    const add = (startsAt: string, endsAt: string) =>
      addOutOfOffice(t.ctx.db, {
        personId: person.id,
        startsAt: new Date(startsAt),
        endsAt: new Date(endsAt),
        note: startsAt,
        actorId: person.id,
        at: t.clock.now(),
      });
    await add("2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z");
    await add("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z");
    await add("2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z");
    const listed = await outOfOfficeFor(t.ctx.db, person.id, t.clock.now());
    expect(listed.map((p) => p.note)).toEqual(["2026-03-01T00:00:00Z", "2026-06-01T00:00:00Z"]);
  });
});
