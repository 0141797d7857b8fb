import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { mailOutbox } from "../../server/mail/schema.ts";
import { teamMembers, teams } from "../../server/people/schema.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { checkFeedUrl, FEED_UNREACHABLE, fetchFeed, maskFeedUrl, retryDelayMs } from "./feeds.ts";
import {
  calendarImportParts,
  calendarImports,
  calendarSources,
  meetingOccurrences,
  meetingSeries,
  pollAnswers,
} from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["calendar-audit"] });
}, 30_000);
afterAll(() => t.close());

function standupIcs(emails: string[], summary = "Daily standup"): string {
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "BEGIN:VEVENT",
    "UID:team-standup@test",
    "DTSTART;TZID=Europe/Berlin:20260302T093000",
    "DURATION:PT30M",
    "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
    `SUMMARY:${summary}`,
    ...emails.map(
      (e, i) =>
        `ATTENDEE;ROLE=${i === emails.length - 1 ? "OPT-PARTICIPANT" : "REQ-PARTICIPANT"};PARTSTAT=ACCEPTED:mailto:${e}`,
    ),
    "ATTENDEE;CUTYPE=ROOM;CN=Big room:mailto:room@example.com",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:one-off@test",
    "DTSTART:20260304T130000Z",
    "DTEND:20260304T140000Z",
    "SUMMARY:Vendor call",
    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:sales@vendor.io",
    `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${emails[0]}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ].join("\r\n");
}

function upload(files: { name: string; text: string; type?: string }[], target = "me"): FormData {
  const form = new FormData();
  for (const f of files) form.append("files", new File([f.text], f.name, { type: f.type ?? "text/calendar" }));
  form.append("target", target);
  return form;
}

describe("calendar-audit plugin", () => {
  it("imports uploaded calendars, classifies the series with reasons, and shows cost", async () => {
    const member = await t.signedIn("member");
    const others = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => t.person()));
    const emails = [member.person.email, ...others.map((p) => p.email)];
    // Teammates attend, so this personal calendar's series is shown to the team (and admins).
    const [team] = await t.ctx.db.insert(teams).values({ name: "Platform", timeZone: "UTC" }).returning();
    await t.ctx.db
      .insert(teamMembers)
      .values([member.person, ...others].map((p) => ({ teamId: team?.id as string, personId: p.id })));
    const res = await member.request("/calendar-audit/upload", {
      method: "POST",
      body: upload([{ name: "work.ics", text: standupIcs(emails) }]),
    });
    expect(res.status).toBe(303);
    await t.ctx.tasks.settled();
    const [series] = await t.ctx.db.select().from(meetingSeries).where(eq(meetingSeries.uid, "team-standup@test"));
    expect(series?.category).toBe("status");
    expect(series?.reasons).toEqual(["title says standup or status", "daily (weekdays)", "9 attendees"]);
    expect(series?.rooms).toEqual(["Big room"]);
    expect(series?.hasEnd).toBe(false);
    const occurrences = await t.ctx.db
      .select()
      .from(meetingOccurrences)
      .where(eq(meetingOccurrences.seriesId, series?.id ?? ""));
    // Window: to Monday 31 August 09:00Z, 26 weeks after the clock; that morning's 07:30Z standup is in it.
    expect(occurrences.length).toBe(26 * 5 + 1);
    expect(occurrences.every((o) => o.required === 8 && o.optional === 1)).toBe(true);
    const page = await (await member.get(`/calendar-audit/series/${series?.id}`)).text();
    expect(page).toContain("Recommendation: convert");
    expect(page).toContain("a weekly written update");
    // 5 × 0.5 h × (8 + 0.5) = 21.25 attendee-hours per week.
    expect(page).toContain("21.3 h");
    expect(page).toContain("9 attendees");
    expect(page).toContain("no end date");
    const [vendor] = await t.ctx.db.select().from(meetingSeries).where(eq(meetingSeries.uid, "one-off@test"));
    expect(vendor?.category).toBe("external");
  });

  it("keeps a manager's override across re-imports", async () => {
    const manager = await t.signedIn("admin");
    const [series] = await t.ctx.db.select().from(meetingSeries).where(eq(meetingSeries.uid, "team-standup@test"));
    const res = await manager.post(`/calendar-audit/series/${series?.id}/classify`, { category: "incident" });
    expect(res.status).toBe(303);
    const again = await manager.request("/calendar-audit/upload", {
      method: "POST",
      body: upload([
        { name: "again.ics", text: standupIcs(["x@example.com", "y@example.com"], "Daily standup (renamed)") },
      ]),
    });
    expect(again.status).toBe(303);
    await t.ctx.tasks.settled();
    const [after] = await t.ctx.db.select().from(meetingSeries).where(eq(meetingSeries.uid, "team-standup@test"));
    expect(after?.id).toBe(series?.id ?? "");
    expect(after?.summary).toBe("Daily standup (renamed)");
    expect(after?.overrideCategory).toBe("incident");
    expect(after?.category).toBe("status");
  });

  it("refuses a non-ICS upload with 422 and stores nothing", async () => {
    const member = await t.signedIn("member");
    const before = (await t.ctx.db.select().from(calendarImports)).length;
    const res = await member.request("/calendar-audit/upload", {
      method: "POST",
      body: upload([{ name: "photo.png", text: "\x89PNG\r\n", type: "image/png" }]),
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("photo.png is not an iCalendar (.ics) file.");
    expect((await t.ctx.db.select().from(calendarImports)).length).toBe(before);
  });

  it("refuses an uploaded calendar holding a NUL byte with 422 naming the field, and stores nothing", async () => {
    const member = await t.signedIn("member");
    const before = (await t.ctx.db.select().from(calendarImports)).length;
    const text = standupIcs(["ana@example.com"], "Stand\0up").replace("team-standup@test", "nul-standup@test");
    const res = await member.request("/calendar-audit/upload", {
      method: "POST",
      body: upload([{ name: "nul.ics", text }]),
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("files");
    expect((await t.ctx.db.select().from(calendarImports)).length).toBe(before);
  });

  it("accepts a file over 1 MB (large calendars are imported in the background) and refuses one over 20 MB", async () => {
    const member = await t.signedIn("member");
    const text = standupIcs(["ana@example.com"])
      .replace("team-standup@test", "big-standup@test")
      .replace("END:VCALENDAR", `X-PADDING:${"x".repeat(1_600_000)}\r\nEND:VCALENDAR`);
    const big = await member.request("/calendar-audit/upload", {
      method: "POST",
      body: upload([{ name: "one-point-six.ics", text }]),
    });
    expect(big.status).toBe(303);
    const tooBig = await member.request("/calendar-audit/upload", {
      method: "POST",
      body: upload([{ name: "huge.ics", text: `BEGIN:VCALENDAR\r\n${"x".repeat(20 * 1024 * 1024)}` }]),
    });
    expect(tooBig.status).toBe(422);
    expect(await tooBig.text()).toContain("huge.ics is larger than 20 MB.");
  });

  it("imports the readable events of a damaged file and lists what it skipped", async () => {
    const member = await t.signedIn("member");
    const text = await Bun.file(`${import.meta.dir}/fixtures/truncated.ics`).text();
    const res = await member.request("/calendar-audit/upload", {
      method: "POST",
      body: upload([{ name: "broken.ics", text }]),
    });
    expect(res.status).toBe(303);
    await t.ctx.tasks.settled();
    const [row] = await t.ctx.db.select().from(calendarImports).where(eq(calendarImports.fileName, "broken.ics"));
    expect(row?.status).toBe("done");
    expect(row?.eventCount).toBe(2);
    expect(row?.problems.join(" ")).toContain("damaged");
  });

  it("imports after the response, on its own thread, and the import page follows its progress", async () => {
    const member = await t.signedIn("member");
    const filler = Array.from({ length: 3000 }, (_, i) =>
      [
        "BEGIN:VEVENT",
        `UID:filler-${i}@test`,
        `DTSTART:202603${String((i % 27) + 1).padStart(2, "0")}T100000Z`,
        "DURATION:PT30M",
        `SUMMARY:Focus block number ${i} with a long title to make the file bigger`,
        `DESCRIPTION:${"x".repeat(100)}`,
        "END:VEVENT",
      ].join("\r\n"),
    );
    const text = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${filler.join("\r\n")}\r\nEND:VCALENDAR\r\n`;
    const res = await member.request("/calendar-audit/upload", {
      method: "POST",
      body: upload([{ name: "big.ics", text }]),
    });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(/^\/calendar-audit\/imports\//);
    await t.ctx.tasks.settled();
    const done = await (await member.get(location)).text();
    expect(done).toContain("Imported 3000 events");
    expect(done).not.toContain("hx-trigger");
    // The file was stored in pieces while it waited; they are gone once it is imported.
    expect(text.length).toBeGreaterThan(2 * 256 * 1024);
    expect(await t.ctx.db.select().from(calendarImportParts)).toEqual([]);
  });

  it("never runs an upload whose pieces are still being written, and drops one a stopped server cut off", async () => {
    const member = await t.signedIn("member");
    const [source] = await t.ctx.db.select({ id: calendarSources.id }).from(calendarSources).limit(1);
    const [cut] = await t.ctx.db
      .insert(calendarImports)
      .values({
        sourceId: source?.id ?? "",
        fileName: "cut.ics",
        ready: false,
        createdBy: member.person.id,
        createdAt: t.clock.now(),
      })
      .returning({ id: calendarImports.id });
    const id = cut?.id as string;
    await t.ctx.db.insert(calendarImportParts).values({ importId: id, seq: 0, body: "BEGIN:VCALENDAR\r\n" });
    await t.ctx.scheduler.runNow("calendar-audit.run-imports");
    const [waiting] = await t.ctx.db.select().from(calendarImports).where(eq(calendarImports.id, id));
    expect(waiting?.status).toBe("queued");
    t.clock.advance(11 * 60_000);
    await t.ctx.scheduler.runNow("calendar-audit.run-imports");
    expect(await t.ctx.db.select().from(calendarImports).where(eq(calendarImports.id, id))).toEqual([]);
    expect(await t.ctx.db.select().from(calendarImportParts).where(eq(calendarImportParts.importId, id))).toEqual([]);
  });

  it("shows a queued import's progress and the job imports what a stopped server left queued", async () => {
    const member = await t.signedIn("member");
    const [source] = await t.ctx.db.select({ id: calendarSources.id }).from(calendarSources).limit(1);
    const [queued] = await t.ctx.db
      .insert(calendarImports)
      .values({
        sourceId: source?.id ?? "",
        fileName: "left.ics",
        payload: standupIcs([member.person.email], "Left behind").replace("team-standup@test", "left@test"),
        createdBy: member.person.id,
        createdAt: t.clock.now(),
      })
      .returning();
    const location = `/calendar-audit/imports/${queued?.id}`;
    const progress = await (await member.get(location)).text();
    expect(progress).toContain("queued");
    expect(progress).toContain('hx-trigger="every 1s"');
    await t.ctx.scheduler.runNow("calendar-audit.run-imports");
    const done = await (await member.get(location)).text();
    expect(done).toContain("Imported 2 events");
    expect(done).not.toContain("hx-trigger");
  });

  it("polls attendees in the portal and by email, and shows the totals on the series page", async () => {
    const admin = await t.signedIn("admin");
    const voter = await t.signedIn("member");
    // Teammates, so the series of the admin's own calendar is shared with their team.
    const [team] = await t.ctx.db.insert(teams).values({ name: "Poll", timeZone: "UTC" }).returning();
    await t.ctx.db.insert(teamMembers).values([
      { teamId: team?.id as string, personId: admin.person.id },
      { teamId: team?.id as string, personId: voter.person.id },
    ]);
    const ics = standupIcs([voter.person.email, admin.person.email], "Weekly status").replace(
      "team-standup@test",
      "poll@test",
    );
    await admin.request("/calendar-audit/upload", { method: "POST", body: upload([{ name: "poll.ics", text: ics }]) });
    await t.ctx.tasks.settled();
    const [series] = await t.ctx.db.select().from(meetingSeries).where(eq(meetingSeries.uid, "poll@test"));
    expect((await admin.post(`/calendar-audit/series/${series?.id}/poll`, {})).status).toBe(303);
    const mails = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, voter.person.email));
    expect(mails.map((m) => m.subject)).toContain('Would you miss "Weekly status"?');
    expect(
      (await voter.post(`/calendar-audit/series/${series?.id}/answer`, { answer: "no", comment: "" })).status,
    ).toBe(303);
    expect(
      await t.ctx.db
        .select()
        .from(pollAnswers)
        .where(eq(pollAnswers.seriesId, series?.id ?? "")),
    ).toHaveLength(1);
    const page = await (await admin.get(`/calendar-audit/series/${series?.id}`)).text();
    expect(page).toContain("0 would miss it, 1 would not");
    // Someone who is not invited cannot answer.
    const stranger = await t.signedIn("admin");
    expect((await stranger.post(`/calendar-audit/series/${series?.id}/answer`, { answer: "yes" })).status).toBe(403);
  });

  it("reports hours, the recurring share and the benchmark, with SVG charts and a CSV export", async () => {
    const admin = await t.signedIn("admin");
    const page = await (await admin.get("/calendar-audit/report")).text();
    expect(page).toContain("<svg");
    expect(page).toContain("30–40 %");
    const csv = await admin.get("/calendar-audit/report.csv");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const body = await csv.text();
    expect(body.split("\r\n")[0]).toContain("attendee_hours_per_week");
    expect(body).toContain('"Daily standup (renamed)"');
    expect((await (await t.signedIn("member")).get("/calendar-audit/report")).status).toBe(403);
  });

  it("refuses feed URLs that are not http(s), and stores accepted ones sealed and masked", async () => {
    expect(checkFeedUrl("file:///etc/passwd")).toEqual({
      ok: false,
      reason: "Only http and https feed URLs are fetched, not file.",
    });
    expect(checkFeedUrl("webcal://calendar.example.com/ical/abc/basic.ics").ok).toBe(true);
    expect(maskFeedUrl(new URL("https://calendar.google.com/calendar/ical/secret-token-123/basic.ics"))).toBe(
      "https://calendar.google.com/cal….ics",
    );
    const member = await t.signedIn("member");
    const bad = await member.post("/calendar-audit/feeds", {
      name: "Mine",
      url: "ftp://x.example/cal.ics",
      target: "me",
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("not ftp");
    const ok = await member.post("/calendar-audit/feeds", {
      name: "Mine",
      url: "http://127.0.0.1:9/never.ics",
      target: "me",
    });
    expect(ok.status).toBe(303);
    const [source] = await t.ctx.db.select().from(calendarSources).where(eq(calendarSources.kind, "feed"));
    expect(source?.feedUrlSealed).not.toContain("127.0.0.1");
    expect(source?.feedUrlMasked).toBe("http://127.0.0.1:9/nev….ics");
    expect(source?.status).toBe("failed");
    expect(source?.lastError).toBe(FEED_UNREACHABLE);
    expect(source?.failures).toBe(1);
    expect(retryDelayMs(1)).toBe(300_000);
    expect(retryDelayMs(3)).toBe(1_200_000);
  });

  it("fetches a feed with manual redirects, a size limit and a timeout", async () => {
    const ics = standupIcs(["a@example.com"]);
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        const path = new URL(req.url).pathname;
        if (path === "/hop") return new Response(null, { status: 302, headers: { Location: "/cal.ics" } });
        if (path === "/loop") return new Response(null, { status: 302, headers: { Location: "/loop" } });
        if (path === "/file") return new Response(null, { status: 302, headers: { Location: "file:///etc/passwd" } });
        if (path === "/big") return new Response("x".repeat(2_000_000));
        if (path === "/slow") {
          await Bun.sleep(1500);
          return new Response(ics);
        }
        return new Response(ics, { headers: { "Content-Type": "text/calendar" } });
      },
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const limits = { timeoutMs: 500, maxBytes: 1_000_000, allowedHosts: new Set(["127.0.0.1"]) };
      expect(await fetchFeed(`${base}/hop`, limits)).toEqual({ ok: true, text: ics });
      expect(await fetchFeed(`${base}/loop`, limits)).toEqual({
        ok: false,
        reason: FEED_UNREACHABLE,
        detail: "more than 3 redirects",
      });
      expect(await fetchFeed(`${base}/file`, limits)).toEqual({
        ok: false,
        reason: FEED_UNREACHABLE,
        detail: "Only http and https feed URLs are fetched, not file.",
      });
      expect(await fetchFeed(`${base}/big`, limits)).toMatchObject({
        ok: false,
        reason: "The feed is larger than 1 MB.",
      });
      expect(await fetchFeed(`${base}/slow`, limits)).toMatchObject({ ok: false, reason: FEED_UNREACHABLE });
    } finally {
      server.stop(true);
    }
  });

  it("keeps series of other teams out of a member's view", async () => {
    const outsider = await t.signedIn("member");
    const [series] = await t.ctx.db.select().from(meetingSeries).where(eq(meetingSeries.uid, "team-standup@test"));
    expect((await outsider.get(`/calendar-audit/series/${series?.id}`)).status).toBe(404);
    expect((await outsider.get("/calendar-audit/series/not-a-uuid")).status).toBe(404);
  });
});
