import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { events } from "../../server/events/schema.ts";
import { mailOutbox } from "../../server/mail/schema.ts";
import { notifications } from "../../server/notifications/schema.ts";
import { outOfOffice, teamMembers, teams } from "../../server/plugin-api.ts";
import { dashboardOf } from "../../server/testing/dashboard.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { charterVersions, clockAlerts, clockCycles, clocks, webhookTokens } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  // Monday 2 March 2026, 09:00 UTC.
  t = await testApp({ plugins: ["sla"] });
});
afterAll(() => t.close());

async function team(zone = "UTC") {
  const [row] = await t.ctx.db
    .insert(teams)
    .values({ name: `Team ${Math.random().toString(36).slice(2, 8)}`, timeZone: zone })
    .returning();
  const manager = await t.signedIn("manager");
  const asker = await t.signedIn("member");
  const addressee = await t.signedIn("member");
  const id = (row as { id: string }).id;
  await t.ctx.db.insert(teamMembers).values([
    { teamId: id, personId: manager.person.id, isManager: true },
    { teamId: id, personId: asker.person.id, isManager: false },
    { teamId: id, personId: addressee.person.id, isManager: false },
  ]);
  return { id, manager, asker, addressee };
}

async function ask(teamId: string, askerId: string, addresseeIds: string[], workType = "question") {
  const askId = crypto.randomUUID();
  await t.ctx.db.transaction((tx) =>
    t.ctx.events.emit(
      tx,
      "ask.created",
      {
        askId,
        teamId,
        askerId,
        addresseeIds,
        workType,
        medium: "portal",
        summary: "Ask: approve the budget",
        link: `/status-updates/updates/${askId}`,
        source: "status-updates",
      },
      "status-updates",
    ),
  );
  await t.ctx.events.dispatch();
  return askId;
}

async function answer(askId: string, responderId: string) {
  await t.ctx.db.transaction((tx) =>
    t.ctx.events.emit(
      tx,
      "ask.answered",
      { askId, responderId, answeredAt: t.clock.now().toISOString() },
      "status-updates",
    ),
  );
  await t.ctx.events.dispatch();
}

const clocksOf = (responderId: string) => t.ctx.db.select().from(clocks).where(eq(clocks.responderId, responderId));

describe("charter", () => {
  it("shows the org default to members and lets a manager publish versions that apply to new asks only", async () => {
    const tm = await team();
    const page = await (await tm.asker.get(`/sla/teams/${tm.id}`)).text();
    expect(page).toContain("Organization default");
    expect(page).toContain("24 business hours");
    expect(page).not.toContain("Publish a new version");

    await t.clock.set("2026-03-02T09:00:00Z");
    await ask(tm.id, tm.asker.person.id, [tm.addressee.person.id]);
    const res = await tm.manager.post(`/sla/teams/${tm.id}/charter`, {
      workType: ["question", "incident"],
      medium: ["portal", "chat"],
      targetHours: ["8", "1"],
      basis: ["business", "calendar"],
      responders: ["addressees", "managers"],
      responderId: ["", ""],
    });
    expect(res.status).toBe(303);
    await ask(tm.id, tm.asker.person.id, [tm.addressee.person.id]);
    const [first, second] = (await clocksOf(tm.addressee.person.id))
      .sort((a, b) => a.targetSeconds - b.targetSeconds)
      .reverse();
    expect(first?.targetSeconds).toBe(24 * 3600);
    expect(first?.charterVersionId).toBeNull();
    expect(second?.targetSeconds).toBe(8 * 3600);
    expect(second?.charterVersionId).not.toBeNull();
    const charter = await (await tm.asker.get(`/sla/teams/${tm.id}`)).text();
    expect(charter).toContain("Version 1");
    expect(charter).toContain("Version 1: 2 rows");
  });

  it("rejects zero, negative and absurd targets with 422 and stores nothing", async () => {
    const tm = await team();
    for (const hours of ["0", "-3", "2001", "abc"]) {
      const res = await tm.manager.post(`/sla/teams/${tm.id}/charter`, {
        workType: "question",
        medium: "portal",
        targetHours: hours,
        basis: "business",
        responders: "addressees",
        responderId: "",
      });
      expect(res.status).toBe(422);
    }
    expect(await t.ctx.db.select().from(charterVersions).where(eq(charterVersions.teamId, tm.id))).toHaveLength(0);
    // Members cannot publish.
    const res = await tm.asker.post(`/sla/teams/${tm.id}/charter`, {
      workType: "question",
      medium: "portal",
      targetHours: "4",
      basis: "business",
      responders: "addressees",
    });
    expect(res.status).toBe(403);
  });

  it("keeps non-members out of a team's charter", async () => {
    const tm = await team();
    const outsider = await t.signedIn("member");
    expect((await outsider.get(`/sla/teams/${tm.id}`)).status).toBe(403);
    expect((await outsider.get("/sla/teams/not-a-uuid")).status).toBe(404);
  });
});

describe("calendar", () => {
  it("saves several intervals a day and refuses overlapping, inverted intervals and unknown zones", async () => {
    const tm = await team();
    const ok = await tm.manager.post(`/sla/teams/${tm.id}/calendar`, {
      timeZone: "Asia/Kathmandu",
      day1: "09:00-12:30, 13:30-17:30",
      day2: "09:00-17:00",
    });
    expect(ok.status).toBe(303);
    const provided = await t.ctx.plugins.services("sla").calendar.forTeam(tm.id);
    expect(provided?.timeZone).toBe("Asia/Kathmandu");
    expect(provided?.open[1]).toEqual([
      ["09:00", "12:30"],
      ["13:30", "17:30"],
    ]);
    for (const bad of [
      { timeZone: "Mars/Base", day1: "09:00-17:00" },
      { timeZone: "UTC", day1: "09:00-12:30, 12:00-17:00" },
      { timeZone: "UTC", day1: "17:00-09:00" },
      { timeZone: "UTC", day1: "9 to 5" },
    ]) {
      const res = await tm.manager.post(`/sla/teams/${tm.id}/calendar`, bad);
      expect(res.status).toBe(422);
    }
    expect((await t.ctx.plugins.services("sla").calendar.forTeam(tm.id))?.timeZone).toBe("Asia/Kathmandu");
  });
});

describe("clocks", () => {
  it("starts a clock per addressee (not the asker) and stops at the first eligible response", async () => {
    t.clock.set("2026-03-02T09:00:00Z");
    const tm = await team();
    const other = await t.person();
    await t.ctx.db.insert(teamMembers).values({ teamId: tm.id, personId: other.id, isManager: false });
    const askId = await ask(tm.id, tm.asker.person.id, [tm.addressee.person.id, other.id, tm.asker.person.id]);
    expect(await clocksOf(tm.asker.person.id)).toHaveLength(0);
    const [clock] = await clocksOf(tm.addressee.person.id);
    expect(clock?.state).toBe("running");
    // 24 business hours, Mon–Fri 09:00–17:00 UTC, from Monday 09:00 → Wednesday 17:00 (3 × 8 h, half-open).
    expect(clock?.dueAt?.toISOString()).toBe("2026-03-04T17:00:00.000Z");
    expect(clock?.warnAt?.toISOString()).toBe("2026-03-04T11:00:00.000Z");

    t.clock.set("2026-03-02T11:00:00Z");
    await answer(askId, tm.asker.person.id); // the asker answering themselves stops nothing
    expect((await clocksOf(tm.addressee.person.id))[0]?.state).toBe("running");
    await answer(askId, tm.addressee.person.id);
    const [stopped] = await clocksOf(tm.addressee.person.id);
    expect(stopped?.state).toBe("stopped");
    expect(stopped?.elapsedSeconds).toBe(7200);
    expect(stopped?.withinTarget).toBe(true);
    expect((await clocksOf(other.id))[0]?.state).toBe("running");
    const cycles = await t.ctx.db
      .select()
      .from(clockCycles)
      .where(eq(clockCycles.clockId, stopped?.id as string));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.businessSeconds).toBe(7200);
  });

  it("pauses while every eligible responder is out of office and resumes after, recording each cycle", async () => {
    t.clock.set("2026-03-09T09:00:00Z");
    const tm = await team();
    await ask(tm.id, tm.asker.person.id, [tm.addressee.person.id]);
    await t.ctx.db.insert(outOfOffice).values({
      personId: tm.addressee.person.id,
      startsAt: new Date("2026-03-09T13:00:00Z"),
      endsAt: new Date("2026-03-11T09:00:00Z"),
    });
    t.clock.set("2026-03-09T14:00:00Z");
    await t.ctx.scheduler.runNow("sla.breaches");
    let [clock] = await clocksOf(tm.addressee.person.id);
    expect(clock?.state).toBe("paused");
    expect(clock?.pausedAt?.toISOString()).toBe("2026-03-09T13:00:00.000Z");
    expect(clock?.consumedSeconds).toBe(4 * 3600);
    expect(clock?.dueAt).toBeNull();

    t.clock.set("2026-03-11T10:00:00Z");
    await t.ctx.scheduler.runNow("sla.breaches");
    [clock] = await clocksOf(tm.addressee.person.id);
    expect(clock?.state).toBe("running");
    expect(clock?.cycleStartedAt?.toISOString()).toBe("2026-03-11T09:00:00.000Z");
    // 20 business hours left from Wednesday 09:00: Wednesday 8 h, Thursday 8 h, Friday 4 h → Friday 13:00.
    expect(clock?.dueAt?.toISOString()).toBe("2026-03-13T13:00:00.000Z");
    expect(
      await t.ctx.db
        .select()
        .from(clockCycles)
        .where(eq(clockCycles.clockId, clock?.id as string)),
    ).toHaveLength(1);
  });

  it("warns at 75 % and breaches at 100 % once, notifying the responder and, on breach, the manager", async () => {
    t.clock.set("2026-03-16T09:00:00Z");
    const tm = await team();
    await ask(tm.id, tm.asker.person.id, [tm.addressee.person.id]);
    const [clock] = await clocksOf(tm.addressee.person.id);
    t.clock.set("2026-03-18T12:00:00Z");
    await t.ctx.scheduler.runNow("sla.breaches");
    await t.ctx.scheduler.runNow("sla.breaches");
    const alertsOf = () =>
      t.ctx.db
        .select()
        .from(clockAlerts)
        .where(eq(clockAlerts.clockId, clock?.id as string));
    expect((await alertsOf()).map((a) => a.kind)).toEqual(["warning"]);
    t.clock.set("2026-03-19T10:00:00Z");
    await Promise.all([t.ctx.scheduler.runNow("sla.breaches"), t.ctx.scheduler.runNow("sla.breaches")]);
    expect((await alertsOf()).map((a) => a.kind).sort()).toEqual(["breach", "warning"]);
    // Each alert is also an event, once, for subscribers outside the plugin (outgoing webhooks).
    const alertEvents = await t.ctx.db
      .select()
      .from(events)
      .where(sql`${events.payload}->>'clockId' = ${clock?.id as string}`);
    expect(alertEvents.map((e) => e.type).sort()).toEqual(["sla.breached", "sla.warning"]);
    expect(alertEvents[0]?.payload).toMatchObject({ teamId: tm.id, responderId: tm.addressee.person.id });
    const toResponder = await t.ctx.db
      .select()
      .from(notifications)
      .where(eq(notifications.personId, tm.addressee.person.id));
    expect(toResponder.map((n) => n.title.split(":")[0]).sort()).toEqual(["Due soon", "Response time passed"]);
    const toManager = await t.ctx.db
      .select()
      .from(notifications)
      .where(eq(notifications.personId, tm.manager.person.id));
    expect(toManager).toHaveLength(1);
    const mails = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.to, tm.addressee.person.email));
    expect(mails).toHaveLength(2);
    // The board and "waiting on me" show it as breached.
    expect(await (await tm.manager.get(`/sla/teams/${tm.id}/board`)).text()).toContain("breached");
    const mine = (await (await tm.addressee.get("/api/sla")).json()) as { waiting: { status: string }[] };
    expect(mine.waiting[0]?.status).toBe("breached");
  });
});

describe("webhook", () => {
  it("starts and stops clocks with a team token; refuses bad tokens, malformed JSON and bots", async () => {
    t.clock.set("2026-03-23T09:00:00Z");
    const tm = await team();
    const created = await tm.manager.post(`/sla/teams/${tm.id}/tokens`, { tokenName: "Git reviews" });
    expect(created.status).toBe(201);
    const createdHtml = await created.text();
    const token = /dtsla_[A-Za-z0-9_-]+/.exec(createdHtml)?.[0] as string;
    expect(token).toBeTruthy();
    const [stored] = await t.ctx.db.select().from(webhookTokens).where(eq(webhookTokens.teamId, tm.id));
    expect(stored?.tokenHash).not.toContain(token);

    // A machine client: no session, only the team's bearer token.
    const client = t.client();
    const post = (path: string, body: string, auth = `Bearer ${token}`) =>
      client.request(path, {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json", Authorization: auth },
      });
    const body = {
      externalId: "pr-42",
      team: tm.id,
      workType: "review request",
      medium: "portal",
      addressees: [tm.addressee.person.email],
      asker: tm.asker.person.email,
      title: "Review: retry logic",
      link: "https://git.example.com/pulls/42",
    };
    const before = await t.ctx.db.select({ n: sql<number>`count(*)::int` }).from(clocks);
    expect((await post("/api/sla/asks", JSON.stringify(body), "Bearer dtsla_wrong")).status).toBe(401);
    expect((await post("/api/sla/asks", JSON.stringify(body), "")).status).toBe(401);
    expect((await post("/api/sla/asks", `{"externalId": `)).status).toBe(400);
    expect((await post("/api/sla/asks", JSON.stringify({ ...body, addressees: ["nobody@example.com"] }))).status).toBe(
      422,
    );
    expect((await post("/api/sla/asks", JSON.stringify({ ...body, link: "javascript:alert(1)" }))).status).toBe(422);
    expect(await t.ctx.db.select({ n: sql<number>`count(*)::int` }).from(clocks)).toEqual(before);

    const ok = await post("/api/sla/asks", JSON.stringify(body));
    expect(ok.status).toBe(201);
    expect((await post("/api/sla/asks", JSON.stringify(body))).status).toBe(200); // a retry starts nothing new
    expect(await clocksOf(tm.addressee.person.id)).toHaveLength(1);

    const bot = await post(
      "/api/sla/asks/pr-42/responses",
      JSON.stringify({ responder: "ci-bot@example.com", bot: true }),
    );
    expect(((await bot.json()) as { clocksStopped: number }).clocksStopped).toBe(0);
    t.clock.set("2026-03-23T10:30:00Z");
    const answered = await post(
      "/api/sla/asks/pr-42/responses",
      JSON.stringify({ responder: tm.addressee.person.email }),
    );
    expect(answered.status).toBe(200);
    const [clock] = await clocksOf(tm.addressee.person.id);
    expect(clock?.state).toBe("stopped");
    expect(clock?.elapsedSeconds).toBe(5400);

    // Revoked tokens stop working.
    const revoke = await tm.manager.post(`/sla/teams/${tm.id}/tokens/${stored?.id}/revoke`);
    expect(revoke.status).toBe(303);
    expect((await post("/api/sla/asks", JSON.stringify({ ...body, externalId: "pr-43" }))).status).toBe(401);
  });
});

describe("webhook tokens are scoped to their team", () => {
  it("starts no clock for people outside the token's team, and answers alike for every address it refuses", async () => {
    t.clock.set("2026-03-24T09:00:00Z");
    const own = await team();
    const other = await team();
    const created = await own.manager.post(`/sla/teams/${own.id}/tokens`, { tokenName: "Reviews" });
    const token = /dtsla_[A-Za-z0-9_-]+/.exec(await created.text())?.[0] as string;
    const post = (body: unknown) =>
      t.client().request("/api/sla/asks", {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      });
    const body = {
      externalId: "pr-77",
      team: own.id,
      addressees: [own.addressee.person.email],
      title: "Review: cache keys",
      link: "https://git.example.com/pulls/77",
    };
    const outsider = await post({ ...body, addressees: [other.addressee.person.email] });
    const unknown = await post({ ...body, addressees: ["nobody-at-all@example.com"] });
    expect([outsider.status, unknown.status]).toEqual([422, 422]);
    const [outsiderText, unknownText] = [await outsider.text(), await unknown.text()];
    expect(outsiderText).toBe(unknownText);
    expect(outsiderText).not.toContain(other.addressee.person.email);
    expect(unknownText).not.toContain("nobody-at-all");
    expect(await clocksOf(other.addressee.person.id)).toHaveLength(0);

    expect((await post(body)).status).toBe(201);
    const answer = (responder: string) =>
      t.client().request("/api/sla/asks/pr-77/responses", {
        method: "POST",
        body: JSON.stringify({ responder }),
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      });
    const fromOutside = await answer(other.addressee.person.email);
    const fromNobody = await answer("nobody-at-all@example.com");
    expect([fromOutside.status, fromNobody.status]).toEqual([200, 200]);
    expect(await fromOutside.json()).toEqual(await fromNobody.json());
  });
});

describe("reports, digest and pages", () => {
  it("reports % within target and p50/p90 with a chart and a CSV export", async () => {
    const admin = await t.signedIn("admin");
    const page = await admin.get("/sla/reports");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<svg");
    expect(html).toContain('role="img"');
    const csv = await admin.get("/sla/reports.csv");
    expect(csv.headers.get("Content-Disposition")).toContain("attachment");
    const text = await csv.text();
    expect(text.split("\r\n")[0]).toBe(
      "team,work type,medium,counted,within target,% within target,p50 hours,p90 hours",
    );
    expect(text).toContain("review request");
    expect((await (await t.signedIn("member")).get("/sla/reports")).status).toBe(403);
  });

  it("lists asks waiting on you in the digest, on the dashboard and on /sla", async () => {
    t.clock.set("2026-03-30T09:00:00Z");
    const tm = await team();
    await ask(tm.id, tm.asker.person.id, [tm.addressee.person.id]);
    t.clock.set("2026-03-30T10:00:00Z");
    expect(await (await tm.addressee.get("/sla")).text()).toContain("Ask: approve the budget");
    expect(await dashboardOf(tm.addressee)).toContain("Waiting on you");
    const digest = await (await tm.addressee.get("/digest/preview.html")).text();
    expect(digest).toContain("Ask: approve the budget");
    expect(digest).toContain("23 h left");
  });
});
