import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { teamMembers, teams } from "../../server/people/schema.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { meetingSeries } from "./schema.ts";

// The time flags (outside someone's working hours, back-to-back with another meeting of a shared
// attendee) are part of the analysis, so the list, the CSV and the API show them, not only the
// series page.

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["calendar-audit"] });
}, 30_000);
afterAll(() => t.close());

function event(uid: string, summary: string, start: string, end: string, emails: string[]): string[] {
  return [
    "BEGIN:VEVENT",
    `UID:${uid}`,
    `DTSTART:${start}`,
    `DTEND:${end}`,
    "RRULE:FREQ=WEEKLY",
    `SUMMARY:${summary}`,
    ...emails.map((e) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${e}`),
    "END:VEVENT",
  ];
}

describe("time flags in the analysis", () => {
  it("shows back-to-back and outside-working-hours flags in the list, the CSV and the API", async () => {
    const admin = await t.signedIn("admin");
    // 10:00Z on a Monday is 19:00 in Tokyo: outside the default 09:00–17:00.
    const owl = await t.person({ name: "Late Owl", timeZone: "Asia/Tokyo" });
    const early = await t.person({ name: "Early Bird", timeZone: "Europe/London" });
    const loner = await t.person({ name: "Loner", timeZone: "Europe/London" });
    const ics = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      // Planning ends as Review starts, every Monday; they share Early Bird.
      ...event("planning@flags", "Planning", "20260302T100000Z", "20260302T103000Z", [owl.email, early.email]),
      ...event("review@flags", "Review", "20260302T103000Z", "20260302T110000Z", [early.email]),
      // Touches Review too, but shares nobody with it.
      ...event("solo@flags", "Solo sync", "20260302T110000Z", "20260302T113000Z", [loner.email]),
      "END:VCALENDAR",
    ].join("\r\n");
    const form = new FormData();
    form.append("files", new File([ics], "flags.ics", { type: "text/calendar" }));
    // A team's calendar (a personal one would show these series to their owner only).
    const [team] = await t.ctx.db.insert(teams).values({ name: "Flags", timeZone: "UTC" }).returning();
    await t.ctx.db
      .insert(teamMembers)
      .values({ teamId: team?.id as string, personId: admin.person.id, isManager: true });
    form.append("target", team?.id as string);
    expect((await admin.request("/calendar-audit/upload", { method: "POST", body: form })).status).toBe(303);
    await t.ctx.tasks.settled();

    // From 2 March to the window's end (31 August 09:00Z): 26 Mondays.
    const list = await (await admin.get("/calendar-audit")).text();
    expect(list).toContain("outside working hours for Late Owl");
    expect(list).toContain("back-to-back with another meeting 26 times");

    const csv = await (await admin.get("/calendar-audit/report.csv")).text();
    const row = (uid: string) => csv.split("\r\n").find((l) => l.startsWith(`"${uid}"`)) ?? "";
    expect(row("planning@flags")).toContain(
      "outside working hours for Late Owl; back-to-back with another meeting 26 times",
    );
    expect(row("review@flags")).toContain("back-to-back with another meeting 26 times");
    expect(row("review@flags")).not.toContain("outside working hours");
    expect(row("solo@flags")).not.toContain("back-to-back");

    const api = (await (await admin.get("/api/calendar-audit/series")).json()) as {
      series: { uid: string; flags: string[] }[];
    };
    expect(api.series.find((x) => x.uid === "planning@flags")?.flags).toEqual([
      "no end date",
      "outside working hours for Late Owl",
      "back-to-back with another meeting 26 times",
    ]);

    const [planning] = await t.ctx.db.select().from(meetingSeries).where(eq(meetingSeries.uid, "planning@flags"));
    const page = await (await admin.get(`/calendar-audit/series/${planning?.id}`)).text();
    expect(page).toContain("outside working hours for Late Owl · back-to-back with another meeting 26 times");
  });

  it("looks at the next occurrence only: once the series has ended, no working-hours flag", async () => {
    t.clock.set("2026-09-01T00:00:00Z");
    const admin = await t.signedIn("admin");
    const csv = await (await admin.get("/calendar-audit/report.csv")).text();
    const planning = csv.split("\r\n").find((l) => l.startsWith('"planning@flags"')) ?? "";
    expect(planning).not.toContain("outside working hours");
    expect(planning).toContain("back-to-back with another meeting 26 times");
  });
});
