import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { and, eq, like } from "drizzle-orm";
import { notifications } from "../../server/notifications/schema.ts";
import { dashboardOf } from "../../server/testing/dashboard.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { makeTeam, personStarting } from "./test-support.ts";

let t: TestApp;
beforeAll(async () => {
  // Friday 2026-03-06 16:00 UTC: after the default Friday 15:00 due time, inside working hours.
  t = await testApp({ plugins: ["status-updates", "sla", "writing"], now: "2026-03-06T16:00:00Z" });
});
afterAll(() => t.close());

const hours = {
  mon: [["09:00", "17:00"]],
  tue: [["09:00", "17:00"]],
  wed: [["09:00", "17:00"]],
  thu: [["09:00", "17:00"]],
  fri: [["09:00", "17:00"]],
} as Record<string, [string, string][]>;
const remindersOf = async (personId: string): Promise<number> =>
  (
    await t.ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.personId, personId), like(notifications.title, "%update is due")))
  ).length;

describe("onboarding exception: a new hire's first 14 days", () => {
  it("skips update reminders for exactly 14 local days from the start date", async () => {
    // On 2026-03-06, a start on 02-21 is day 13 of onboarding; a start on 02-20 is day 14, the first day after it.
    const day13 = await personStarting(t, "2026-02-21", { name: "Day Thirteen", timeZone: "UTC", workingHours: hours });
    const day14 = await personStarting(t, "2026-02-20", { name: "Day Fourteen", timeZone: "UTC", workingHours: hours });
    const future = await personStarting(t, "2026-03-09", {
      name: "Starts Monday",
      timeZone: "UTC",
      workingHours: hours,
    });
    const veteran = await t.person({ name: "Vera Veteran", timeZone: "UTC", workingHours: hours });
    await makeTeam(t, [{ person: day13 }, { person: day14 }, { person: future }, { person: veteran }]);
    await t.ctx.scheduler.runNow("status-updates.remind");
    expect(await remindersOf(day13.id)).toBe(0);
    expect(await remindersOf(future.id)).toBe(0);
    expect(await remindersOf(day14.id)).toBe(1);
    expect(await remindersOf(veteran.id)).toBe(1);
  });

  it("shows the new hire a banner with a buddy and first 1:1s, and nobody else", async () => {
    const newHire = await t.signedIn(await personStarting(t, "2026-03-02", { name: "Nina New", timeZone: "UTC" }));
    const buddy = await personStarting(t, "2020-01-06", { name: "Bea Buddy" });
    const manager = await t.person({ name: "Max Manager" });
    await makeTeam(t, [{ person: newHire.person }, { person: buddy }, { person: manager, manager: true }]);
    const home = await dashboardOf(newHire);
    expect(home).toContain("Your first two weeks");
    expect(home).toContain('before <time datetime="2026-03-16">');
    expect(home).toContain('Your buddy: <a href="mailto:');
    expect(home).toContain("Bea Buddy");
    expect(home).toContain("Max Manager");
    const other = await t.signedIn(buddy);
    expect(await dashboardOf(other)).not.toContain("Your first two weeks");
    // The manager's digest says so; a teammate's does not.
    const digest = await (await (await t.signedIn(manager)).get("/digest/preview.html")).text();
    expect(digest).toContain("Nina New started 2026-03-02: synchronous onboarding until 2026-03-16");
    expect(await (await other.get("/digest/preview.html")).text()).not.toContain("Nina New started");
  });

  it("does not escalate a new hire's late ask to their manager, but still escalates others'", async () => {
    const asker = await t.signedIn(await t.person({ name: "Asa Asker", email: "asa@example.com" }));
    const newHire = await personStarting(t, "2026-03-02", {
      name: "Noor New",
      email: "noor@example.com",
      timeZone: "UTC",
    });
    const veteran = await t.person({ name: "Val Veteran", email: "val@example.com", timeZone: "UTC" });
    const manager = await t.person({ name: "Mia Manager" });
    const teamId = await makeTeam(t, [
      { person: asker.person },
      { person: newHire },
      { person: veteran },
      { person: manager, manager: true },
    ]);
    const posted = await asker.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": "The launch is on track.",
      "q-ask": "@noor @val please approve the copy by Monday.",
    });
    expect(posted.status).toBe(303);
    await t.ctx.events.dispatch();
    t.clock.set("2026-03-13T16:00:00Z"); // a week later: both clocks breached; Noor is on day 11
    await t.ctx.scheduler.runNow("sla.breaches");
    const escalations = await t.ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.personId, manager.id), like(notifications.title, "An ask on your team passed%")));
    expect(escalations).toHaveLength(1);
    // The new hire still hears about their own ask; only the escalation is held back.
    const own = await t.ctx.db.select().from(notifications).where(eq(notifications.personId, newHire.id));
    expect(own.some((n) => n.title.startsWith("Response time passed"))).toBe(true);
  });
});
