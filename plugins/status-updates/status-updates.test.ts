import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { events } from "../../server/events/schema.ts";
import { mailOutbox } from "../../server/mail/schema.ts";
import { notifications } from "../../server/notifications/schema.ts";
import type { Person } from "../../server/people/people.ts";
import { outOfOffice, teamHolidays, teamMembers, teams } from "../../server/people/schema.ts";
import { dashboardOf } from "../../server/testing/dashboard.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { askAddressees, checkins, type comments, updateEdits, updates } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  // Friday 2026-03-06 16:00 UTC: after the default Friday 15:00 due time.
  t = await testApp({ plugins: ["status-updates"], now: "2026-03-06T16:00:00Z" });
});
afterAll(() => t.close());

let n = 0;
async function team(members: { person: Person; manager?: boolean }[], timeZone = "UTC"): Promise<string> {
  n++;
  const [row] = await t.ctx.db
    .insert(teams)
    .values({ name: `Team ${n} ${Math.random().toString(36).slice(2, 6)}`, timeZone })
    .returning();
  const id = (row as { id: string }).id;
  if (members.length)
    await t.ctx.db
      .insert(teamMembers)
      .values(members.map((m) => ({ teamId: id, personId: m.person.id, isManager: m.manager ?? false })));
  return id;
}

const handle = (p: Person): string => p.email.split("@")[0] as string;
const count = async (table: typeof updates | typeof comments | typeof checkins): Promise<number> =>
  Number(((await t.ctx.db.select({ n: sql<number>`count(*)::int` }).from(table)) as { n: number }[])[0]?.n);
const eventsOf = async (type: string) => t.ctx.db.select().from(events).where(eq(events.type, type));

describe("check-in settings", () => {
  it("lets a team's manager set cadence, due time, questions and who is asked", async () => {
    const manager = await t.signedIn("member");
    const member = await t.person();
    const teamId = await team([{ person: manager.person, manager: true }, { person: member }]);
    const page = await manager.get(`/status-updates/teams/${teamId}/settings`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Bottom line\nAsk\nProgress\nRisks/blockers");
    const res = await manager.post(`/status-updates/teams/${teamId}/settings`, {
      cadence: "biweekly",
      weekday: "4",
      time: "10:30",
      questions: "Headline\nAsk of others\nDone\nBlockers",
      excluded: member.id,
    });
    expect(res.status).toBe(303);
    const [row] = await t.ctx.db.select().from(checkins).where(eq(checkins.teamId, teamId));
    expect(row?.cadence).toBe("biweekly");
    expect(row?.weekday).toBe(4);
    expect(row?.questions.map((q) => q.kind)).toEqual(["bottom-line", "ask", "text", "risks"]);
    expect(row?.excludedIds).toEqual([member.id]);
  });

  it("refuses members who do not manage the team, and bad values, without saving", async () => {
    const member = await t.signedIn("member");
    const teamId = await team([{ person: member.person }]);
    const before = await count(checkins);
    expect((await member.post(`/status-updates/teams/${teamId}/settings`, { cadence: "weekly" })).status).toBe(403);
    const manager = await t.signedIn("member");
    await t.ctx.db.insert(teamMembers).values({ teamId, personId: manager.person.id, isManager: true });
    const bad = await manager.post(`/status-updates/teams/${teamId}/settings`, {
      cadence: "daily",
      weekday: "9",
      time: "25:00",
      questions: "",
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("A time like 15:00.");
    expect(await count(checkins)).toBe(before);
  });
});

describe("composer, asks and comments", () => {
  it("autosaves a draft that survives a reload", async () => {
    const author = await t.signedIn("member");
    const teamId = await team([{ person: author.person }]);
    const saved = await author.post(
      "/status-updates/drafts",
      { teamId, "q-bottom-line": "Draft: we are on track." },
      { "HX-Request": "true" },
    );
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Draft saved");
    const page = await (await author.get(`/status-updates/write?team=${teamId}`)).text();
    expect(page).toContain("Draft: we are on track.");
    const [row] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    expect(row?.status).toBe("draft");
  });

  it("answers live lint requests with a hints fragment", async () => {
    const author = await t.signedIn("member");
    const teamId = await team([{ person: author.person }]);
    const res = await author.post(
      "/status-updates/lint",
      { teamId, "q-bottom-line": "Hi all, as you know we looked at a few things.", "q-ask": "Can someone review it?" },
      { "HX-Request": "true" },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="status-updates-hints"');
    expect(html).toContain("Lead with the bottom line");
    expect(html).toContain("@name");
    expect(html).toContain("by when");
    expect(html).not.toContain("<html");
  });

  it("posts an update with an ask, emits status.posted and ask.created, and the addressee's first reply answers it", async () => {
    const author = await t.signedIn("member");
    const addressee = await t.signedIn("member");
    const teamId = await team([{ person: author.person }, { person: addressee.person }]);
    const res = await author.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": "Checkout v2 is on track for Friday.",
      "q-ask": `@${handle(addressee.person)} please approve the rollout plan by Wednesday.`,
      "q-progress": "- Payments migrated",
      "q-risks-blockers": "None.",
    });
    expect(res.status).toBe(303);
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    expect(update?.status).toBe("posted");
    expect(update?.period).toBe("2026-W10");
    expect(update?.hasBlockers).toBe(false);
    const posted = (await eventsOf("status.posted")).find((e) => e.payload.updateId === update?.id);
    expect(posted?.payload).toEqual({
      updateId: update?.id,
      teamId,
      authorId: author.person.id,
      period: "2026-W10",
      body: update?.body,
      ask: `@${handle(addressee.person)} please approve the rollout plan by Wednesday.`,
    });
    const created = (await eventsOf("ask.created")).find((e) => e.payload.askerId === author.person.id);
    expect(created?.payload).toMatchObject({
      teamId,
      addresseeIds: [addressee.person.id],
      workType: "question",
      medium: "portal",
      link: `/status-updates/updates/${update?.id}`,
      source: "status-updates",
    });
    expect(String(created?.payload.summary)).toStartWith("Ask: @");

    // The author's own comment does not answer; the addressee's first comment does, once.
    await author.post(`/status-updates/updates/${update?.id}/comments`, { body: "Any thoughts?" });
    expect((await eventsOf("ask.answered")).filter((e) => e.payload.askId === created?.payload.askId)).toHaveLength(0);
    expect(
      (await addressee.post(`/status-updates/updates/${update?.id}/comments`, { body: "Approved, go ahead." })).status,
    ).toBe(303);
    await addressee.post(`/status-updates/updates/${update?.id}/comments`, { body: "One more thing." });
    const answered = (await eventsOf("ask.answered")).filter((e) => e.payload.askId === created?.payload.askId);
    expect(answered).toHaveLength(1);
    expect(answered[0]?.payload.responderId).toBe(addressee.person.id);
    const page = await (await author.get(`/status-updates/updates/${update?.id}`)).text();
    expect(page).toContain("answered");
    expect(page).toContain("Approved, go ahead.");
  });

  it("notifies people @mentioned in a comment, by email too, and emits comment.created", async () => {
    const author = await t.signedIn("member");
    const mentioned = await t.person({ name: "Mia Mentioned" });
    const teamId = await team([{ person: author.person }, { person: mentioned }]);
    await author.post("/status-updates/updates", { teamId, "q-bottom-line": "Shipped search." });
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    await author.post(`/status-updates/updates/${update?.id}/comments`, { body: `@${handle(mentioned)} FYI` });
    const [note] = await t.ctx.db.select().from(notifications).where(eq(notifications.personId, mentioned.id));
    expect(note?.title).toContain("mentioned you");
    expect(await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, mentioned.email))).toHaveLength(1);
    const created = (await eventsOf("comment.created")).find((e) => e.payload.authorId === author.person.id);
    expect(created?.payload).toMatchObject({
      subject: { kind: "status-update", id: update?.id },
      mentionIds: [mentioned.id],
      body: `@${handle(mentioned)} FYI`,
    });
  });

  it("keeps an edit history when a posted update is edited", async () => {
    const author = await t.signedIn("member");
    const teamId = await team([{ person: author.person }]);
    await author.post("/status-updates/updates", { teamId, "q-bottom-line": "First version: on track." });
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    expect((await author.get(`/status-updates/write?team=${teamId}`)).status).toBe(303);
    const res = await author.post(`/status-updates/updates/${update?.id}/edit`, {
      "q-bottom-line": "Second version: slipped a day.",
    });
    expect(res.status).toBe(303);
    const edits = await t.ctx.db
      .select()
      .from(updateEdits)
      .where(eq(updateEdits.updateId, update?.id as string));
    expect(edits.map((e) => e.previous["bottom-line"])).toEqual(["First version: on track."]);
    const page = await (await author.get(`/status-updates/updates/${update?.id}`)).text();
    expect(page).toContain("Second version: slipped a day.");
    expect(page).toContain("Edit history");
    expect(page).toContain("First version: on track.");
  });

  it("records who has read an update", async () => {
    const author = await t.signedIn("member");
    const reader = await t.signedIn("member");
    const teamId = await team([{ person: author.person }, { person: reader.person }]);
    await author.post("/status-updates/updates", { teamId, "q-bottom-line": "Hiring is done." });
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    expect((await reader.post(`/status-updates/updates/${update?.id}/read`)).status).toBe(303);
    expect((await reader.post(`/status-updates/updates/${update?.id}/read`)).status).toBe(303);
    const page = await (await author.get(`/status-updates/updates/${update?.id}`)).text();
    expect(page.split("Read by")[1]).toContain(reader.person.name);
  });
});

describe("bad input and access", () => {
  it("refuses an empty update with 422 and writes nothing", async () => {
    const author = await t.signedIn("member");
    const teamId = await team([{ person: author.person }]);
    const before = await count(updates);
    const res = await author.post("/status-updates/updates", { teamId, "q-bottom-line": "   " });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Your update is empty");
    expect(await count(updates)).toBe(before);
  });

  it("refuses an update over 100 KB with a clear message and writes nothing", async () => {
    const author = await t.signedIn("member");
    const teamId = await team([{ person: author.person }]);
    const before = await count(updates);
    const res = await author.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": "On track.",
      "q-progress": "x".repeat(101 * 1024),
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("over 100 KB");
    expect(await count(updates)).toBe(before);
    const draft = await author.post("/status-updates/drafts", { teamId, "q-progress": "x".repeat(101 * 1024) });
    expect(draft.status).toBe(413);
    expect(await count(updates)).toBe(before);
  });

  it("renders <script> and javascript: links in Markdown inert", async () => {
    const author = await t.signedIn("member");
    const teamId = await team([{ person: author.person }]);
    await author.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": "On track. <script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>",
    });
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    const html = await (await author.get(`/status-updates/updates/${update?.id}`)).text();
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("javascript:");
    expect(html).not.toContain("onerror");
    const feed = await (await author.get(`/status-updates?team=${teamId}`)).text();
    expect(feed).not.toContain("<script>alert(1)");
    expect(feed).not.toContain("javascript:");
  });

  it("forbids posting to a team you are not in (403) and writes nothing", async () => {
    const outsider = await t.signedIn("member");
    const teamId = await team([{ person: await t.person() }]);
    const before = await count(updates);
    const res = await outsider.post("/status-updates/updates", { teamId, "q-bottom-line": "On track." });
    expect(res.status).toBe(403);
    expect((await outsider.post("/status-updates/drafts", { teamId, "q-bottom-line": "x" })).status).toBe(403);
    expect(await count(updates)).toBe(before);
  });

  it("forbids editing someone else's update (403) and keeps it unchanged", async () => {
    const author = await t.signedIn("member");
    const teammate = await t.signedIn("member");
    const teamId = await team([{ person: author.person }, { person: teammate.person }]);
    await author.post("/status-updates/updates", { teamId, "q-bottom-line": "Mine: on track." });
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    const res = await teammate.post(`/status-updates/updates/${update?.id}/edit`, { "q-bottom-line": "Hijacked." });
    expect(res.status).toBe(403);
    const [after] = await t.ctx.db
      .select()
      .from(updates)
      .where(eq(updates.id, update?.id as string));
    expect(after?.answers["bottom-line"]).toBe("Mine: on track.");
    expect(
      await t.ctx.db
        .select()
        .from(updateEdits)
        .where(eq(updateEdits.updateId, update?.id as string)),
    ).toHaveLength(0);
  });

  it("shows a team's updates only to its members and admins", async () => {
    const author = await t.signedIn("member");
    const teamId = await team([{ person: author.person }]);
    await author.post("/status-updates/updates", { teamId, "q-bottom-line": "Secret plan is on track." });
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, author.person.id));
    const outsider = await t.signedIn("member");
    expect((await outsider.get(`/status-updates?team=${teamId}`)).status).toBe(403);
    expect((await outsider.get(`/status-updates/updates/${update?.id}`)).status).toBe(403);
    expect((await outsider.post(`/status-updates/updates/${update?.id}/comments`, { body: "hi" })).status).toBe(403);
    const admin = await t.signedIn("admin");
    expect(await (await admin.get(`/status-updates?team=${teamId}`)).text()).toContain("Secret plan is on track.");
    expect((await outsider.get("/status-updates/updates/not-a-uuid")).status).toBe(404);
  });

  it("treats SQL and tsquery syntax in search as plain text", async () => {
    const author = await t.signedIn("member");
    const teamId = await team([{ person: author.person }]);
    await author.post("/status-updates/updates", { teamId, "q-bottom-line": "The kafka consumer is fixed." });
    for (const q of [
      "kafka & | ! :* (",
      "'; drop table status_updates.updates; --",
      '"kafka',
      "!!!",
      "a:*b <-> c",
      "\\",
    ]) {
      const res = await author.get(`/status-updates/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
    }
    expect(await (await author.get(`/status-updates/search?q=${encodeURIComponent("kafka & |")}`)).text()).toContain(
      "<mark>kafka</mark>",
    );
    expect(await count(updates)).toBeGreaterThan(0);
  });
});

describe("feed and search", () => {
  it("groups the feed by period, newest first, and filters by person and period", async () => {
    const a = await t.signedIn("member");
    const b = await t.signedIn("member");
    const teamId = await team([{ person: a.person }, { person: b.person }]);
    t.clock.set("2026-02-27T12:00:00Z");
    await a.post("/status-updates/updates", { teamId, "q-bottom-line": "Older week: on track." });
    t.clock.set("2026-03-06T16:00:00Z");
    await a.post("/status-updates/updates", { teamId, "q-bottom-line": "Newer week from A: done." });
    await b.post("/status-updates/updates", { teamId, "q-bottom-line": "Newer week from B: blocked." });
    const feed = await (await a.get(`/status-updates?team=${teamId}`)).text();
    expect(feed.indexOf("Week of 2 Mar 2026")).toBeLessThan(feed.indexOf("Week of 23 Feb 2026"));
    expect(feed.indexOf("Newer week from A")).toBeLessThan(feed.indexOf("Older week"));
    const onlyB = await (await a.get(`/status-updates?team=${teamId}&person=${b.person.id}`)).text();
    expect(onlyB).toContain("Newer week from B");
    expect(onlyB).not.toContain("Newer week from A");
    const onlyOld = await (await a.get(`/status-updates?team=${teamId}&period=2026-W09`)).text();
    expect(onlyOld).toContain("Older week");
    expect(onlyOld).not.toContain("Newer week");
    expect((await a.get(`/status-updates?team=${teamId}&period=drop`)).status).toBe(400);
    const json = (await (await a.get(`/api/status-updates/feed?team=${teamId}`)).json()) as {
      periods: { period: string }[];
    };
    expect(json.periods.map((p) => p.period)).toEqual(["2026-W10", "2026-W09"]);
  });

  it("shows bottom lines with comment and read counts, and loads a whole update on demand", async () => {
    const a = await t.signedIn("member");
    const b = await t.signedIn("member");
    const outsider = await t.signedIn("member");
    const teamId = await team([{ person: a.person }, { person: b.person }]);
    t.clock.set("2026-03-06T16:00:00Z");
    await a.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": "Billing cut-over is on track.",
      "q-progress": "Wrote the **runbook** for the cut-over.",
    });
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, a.person.id));
    const id = update?.id as string;
    await b.post(`/status-updates/updates/${id}/comments`, { body: "Thanks." });
    await b.post(`/status-updates/updates/${id}/comments`, { body: "One more." });
    await b.post(`/status-updates/updates/${id}/read`, {});
    const feed = await (await a.get(`/status-updates?team=${teamId}`)).text();
    expect(feed).toContain("Billing cut-over is on track.");
    expect(feed).toContain("2 comments");
    expect(feed).toContain("read by 1");
    expect(feed).toContain(`/status-updates/updates/${id}/body`);
    expect(feed).not.toContain("<strong>runbook</strong>");
    const fragment = await b.request(`/status-updates/updates/${id}/body`, { headers: { "HX-Request": "true" } });
    expect(fragment.status).toBe(200);
    expect(await fragment.text()).toContain("<strong>runbook</strong>");
    const direct = await b.request(`/status-updates/updates/${id}/body`, { redirect: "manual" });
    expect(direct.status).toBe(303);
    const denied = await outsider.request(`/status-updates/updates/${id}/body`, { headers: { "HX-Request": "true" } });
    expect(denied.status).toBe(403);
    expect((await b.get("/status-updates/updates/not-a-uuid/body")).status).toBe(404);
  });

  it("finds updates and comments, ranked, highlighted and escaped, only in teams the viewer sees", async () => {
    const a = await t.signedIn("member");
    const teamId = await team([{ person: a.person }]);
    await a.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": "The zeppelin <b>launch</b> for R&D is on track.",
      "q-progress": "Zeppelin zeppelin tests pass.",
    });
    const [update] = await t.ctx.db.select().from(updates).where(eq(updates.authorId, a.person.id));
    await a.post(`/status-updates/updates/${update?.id}/comments`, { body: "Great zeppelin news" });
    const other = await t.signedIn("member");
    const otherTeam = await team([{ person: other.person }]);
    await other.post("/status-updates/updates", { teamId: otherTeam, "q-bottom-line": "Hidden zeppelin is done." });

    const res = (await (await a.get("/api/status-updates/search?q=zeppelin")).json()) as {
      results: { kind: string; updateId: string; snippet: { text: string; match: boolean }[] }[];
    };
    expect(res.results.map((r) => r.kind).sort()).toEqual(["comment", "update"]);
    expect(res.results[0]?.kind).toBe("update");
    expect(res.results.every((r) => r.updateId === update?.id)).toBe(true);
    const html = await (await a.get("/status-updates/search?q=zeppelin")).text();
    expect(html).toContain("<mark>zeppelin</mark>");
    expect(html).not.toContain("<b>launch");
    expect(html).toContain("R&amp;D");
    expect(html).not.toContain("Hidden zeppelin");
  });
});

describe("reminders, analytics and digest", () => {
  it("reminds people who have not posted, in their working hours, and never those out of office or on a holiday", async () => {
    t.clock.set("2026-03-13T16:00:00Z"); // Friday, after 15:00 UTC
    const hours = { mon: [["09:00", "17:00"]], fri: [["09:00", "17:00"]] } as Record<string, [string, string][]>;
    const due = await t.person({ name: "Dana Due", workingHours: hours });
    const posted = await t.signedIn(await t.person({ name: "Pat Posted", workingHours: hours }));
    const away = await t.person({ name: "Oona Away", workingHours: hours });
    const asleep = await t.person({ name: "Tokyo Tom", timeZone: "Asia/Tokyo", workingHours: hours });
    const teamId = await team([{ person: due }, { person: posted.person }, { person: away }, { person: asleep }]);
    await posted.post("/status-updates/updates", { teamId, "q-bottom-line": "Done." });
    await t.ctx.db.insert(outOfOffice).values({
      personId: away.id,
      startsAt: new Date("2026-03-12T00:00:00Z"),
      endsAt: new Date("2026-03-20T00:00:00Z"),
    });
    const holidayTeam = await team([{ person: await t.person({ name: "Holly Holiday", workingHours: hours }) }]);
    await t.ctx.db.insert(teamHolidays).values({ teamId: holidayTeam, day: "2026-03-13", name: "Founders' day" });

    await t.ctx.scheduler.runNow("status-updates.remind");
    const reminded = await t.ctx.db
      .select({ personId: notifications.personId, title: notifications.title })
      .from(notifications)
      .where(sql`${notifications.title} like '%update is due'`);
    const ids = reminded.map((r) => r.personId);
    expect(ids).toContain(due.id);
    expect(ids).not.toContain(posted.person.id);
    expect(ids).not.toContain(away.id);
    expect(ids).not.toContain(asleep.id); // 01:00 Saturday in Tokyo: outside working hours
    // Once per period.
    await t.ctx.scheduler.runNow("status-updates.remind");
    const again = await t.ctx.db.select().from(notifications).where(eq(notifications.personId, due.id));
    expect(again.filter((r) => r.title.endsWith("update is due"))).toHaveLength(1);
    const holidayMembers = await t.ctx.db.select().from(teamMembers).where(eq(teamMembers.teamId, holidayTeam));
    const holidayNotes = await t.ctx.db
      .select()
      .from(notifications)
      .where(eq(notifications.personId, holidayMembers[0]?.personId as string));
    expect(holidayNotes).toHaveLength(0);

    // The manager sees who is missing.
    const manager = await t.signedIn("member");
    await t.ctx.db.insert(teamMembers).values({ teamId, personId: manager.person.id, isManager: true });
    const page = await (await manager.get(`/status-updates/teams/${teamId}/analytics`)).text();
    const missing = page.split("Who hasn&#39;t written yet")[1] ?? page.split("Who hasn't written yet")[1] ?? "";
    expect(missing).toContain("Dana Due");
    expect(missing).not.toContain("Pat Posted");
    expect(page).toContain("<svg");
    expect(page).toContain('role="img"');
    expect(page).toContain("<title>");
    expect(page).toContain("Data table");
    t.clock.set("2026-03-06T16:00:00Z");
  });

  it("computes participation, on-time rate and open blockers per period", async () => {
    t.clock.set("2026-03-06T14:00:00Z");
    const a = await t.signedIn("member");
    const b = await t.signedIn("member");
    const teamId = await team([{ person: a.person, manager: true }, { person: b.person }]);
    await a.post("/status-updates/updates", { teamId, "q-bottom-line": "On track.", "q-risks-blockers": "None" });
    t.clock.set("2026-03-06T16:00:00Z");
    await b.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": "Blocked.",
      "q-risks-blockers": "Waiting on the vendor.",
    });
    const page = await (await a.get(`/status-updates/teams/${teamId}/analytics`)).text();
    expect(page).toContain("<strong>100%</strong> participation");
    expect(page).toContain("<strong>50%</strong> on time");
    expect(page).toContain("<strong>1</strong> open blocker");
  });

  it("puts bottom lines, asks waiting on you and missing people in the digest", async () => {
    const manager = await t.signedIn("member");
    const writer = await t.signedIn("member");
    const quiet = await t.person({ name: "Quinn Quiet" });
    const teamId = await team([
      { person: manager.person, manager: true },
      { person: writer.person },
      { person: quiet },
    ]);
    await writer.post("/status-updates/updates", {
      teamId,
      "q-bottom-line": "The data export shipped.",
      "q-ask": `@${handle(manager.person)} please sign off by Monday.`,
    });
    const section = t.ctx.plugins.digestSections().find((d) => d.pluginId === "status-updates")?.section;
    expect(section).toBeDefined();
    const rendered = await section?.render(
      {
        id: manager.person.id,
        name: manager.person.name,
        email: manager.person.email,
        timeZone: "UTC",
        role: "member",
      },
      {
        start: new Date("2026-03-02T00:00:00Z"),
        end: new Date("2026-03-09T00:00:00Z"),
        label: "W10",
        frequency: "weekly",
      },
      t.ctx.plugins.services("status-updates"),
    );
    expect(rendered?.text).toContain("The data export shipped.");
    expect(rendered?.text).toContain("Asks waiting on you");
    expect(rendered?.text).toContain("Quinn Quiet");
  });

  it("shows the dashboard card with a write link, then posted", async () => {
    const member = await t.signedIn("member");
    const teamId = await team([{ person: member.person }]);
    expect(await dashboardOf(member)).toContain(`/status-updates/write?team=${teamId}`);
    await member.post("/status-updates/updates", { teamId, "q-bottom-line": "Done." });
    expect(await dashboardOf(member)).toContain("posted");
  });

  it("keeps answered asks answered once per addressee in storage", async () => {
    const rows = await t.ctx.db
      .select()
      .from(askAddressees)
      .where(and(sql`${askAddressees.answeredAt} is not null`));
    for (const r of rows) expect(r.answerCommentId).not.toBeNull();
  });
});
