import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import ICAL from "ical.js";
import { mailOutbox } from "../../server/mail/schema.ts";
import { notifications } from "../../server/notifications/schema.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { invitations, workshops } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["writing"] });
});
afterAll(() => t.close());

describe("quarterly writing workshop", () => {
  it("is scheduled by an admin, invites everyone with a valid .ics and a notification, and collects pledges and attendance", async () => {
    const admin = await t.signedIn("admin");
    const facilitator = await t.signedIn("member");
    const attendee = await t.signedIn("member");
    const member = await t.signedIn("member");
    const form = {
      title: "Writing for async teams",
      startsAt: "2026-03-20T14:00",
      minutes: "60",
      location: "Room 4 and the video link",
      facilitatorId: facilitator.person.id,
      agenda: "1. A buried ask rewritten BLUF-first",
    };
    expect((await member.post("/writing/workshops", form)).status).toBe(403);
    const res = await admin.post("/writing/workshops", form);
    expect(res.status).toBe(303);
    const [w] = await t.ctx.db.select().from(workshops);
    expect(w?.quarter).toBe("2026-Q1");
    // Another for the same quarter is refused, naming the field.
    const again = await admin.post("/writing/workshops", form);
    expect(again.status).toBe(422);
    expect(await again.text()).toContain("already has a workshop");

    const note = await t.ctx.db.select().from(notifications).where(eq(notifications.personId, attendee.person.id));
    expect(note.map((n) => n.title)).toContain("You are invited: Writing for async teams");

    // The email carries the invitation as an .ics attachment.
    const [mail] = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, attendee.person.email));
    expect(mail?.subject).toBe("Invitation: Writing for async teams");
    const attached = mail?.attachments[0];
    expect(attached?.filename).toBe("writing-workshop.ics");
    expect(attached?.contentType).toContain("text/calendar");
    const mailed = new ICAL.Event(
      new ICAL.Component(ICAL.parse(attached?.content ?? "")).getFirstSubcomponent("vevent") as ICAL.Component,
    );
    expect(mailed.startDate.toJSDate().toISOString()).toBe("2026-03-20T14:00:00.000Z");
    expect(mailed.organizer).toBe(`mailto:${facilitator.person.email}`);

    const ics = await attendee.get(`/writing/workshops/${w?.id}/invite.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get("Content-Type")).toContain("text/calendar");
    const cal = new ICAL.Component(ICAL.parse(await ics.text()));
    const event = new ICAL.Event(cal.getFirstSubcomponent("vevent") as ICAL.Component);
    expect(event.summary).toBe("Writing for async teams");
    expect(event.startDate.toJSDate().toISOString()).toBe("2026-03-20T14:00:00.000Z");
    expect(event.endDate.toJSDate().toISOString()).toBe("2026-03-20T15:00:00.000Z");
    expect(String(event.attendees[0]?.getFirstValue())).toBe(`mailto:${attendee.person.email}`);
    expect(cal.getFirstPropertyValue("method")).toBe("REQUEST");

    expect((await attendee.post(`/writing/workshops/${w?.id}/pledge`, { pledge: "" })).status).toBe(422);
    expect(
      (await attendee.post(`/writing/workshops/${w?.id}/pledge`, { pledge: "Ask first, context after." })).status,
    ).toBe(303);
    expect(
      (await attendee.post(`/writing/workshops/${w?.id}/attendance`, { attended: attendee.person.id })).status,
    ).toBe(403);
    expect(
      (
        await facilitator.post(`/writing/workshops/${w?.id}/attendance`, {
          attended: [attendee.person.id, member.person.id],
        })
      ).status,
    ).toBe(303);
    const rows = await t.ctx.db.select().from(invitations).where(eq(invitations.attended, true));
    expect(rows.map((r) => r.personId).sort()).toEqual([attendee.person.id, member.person.id].sort());
    const page = await (await member.get(`/writing/workshops/${w?.id}`)).text();
    expect(page).toContain("Ask first, context after.");
    expect(await (await admin.get("/writing/workshops")).text()).toContain("2 of ");
  });

  it("refuses a bad schedule with 422 and stores nothing", async () => {
    const admin = await t.signedIn("admin");
    const before = (await t.ctx.db.select().from(workshops)).length;
    const res = await admin.post("/writing/workshops", {
      title: "X",
      startsAt: "not a date",
      minutes: "5",
      location: "",
      facilitatorId: "nope",
      agenda: "",
    });
    expect(res.status).toBe(422);
    expect((await t.ctx.db.select().from(workshops)).length).toBe(before);
  });
});
