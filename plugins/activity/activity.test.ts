import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { people, teamMembers, teams } from "../../server/plugin-api.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { registerDevice } from "./devices.ts";
import { type Noise, noNoise, secureNoise } from "./noise.ts";
import { releaseDueWeeks } from "./release.ts";
import { ensurePartitions, markAfterHours, refreshHours } from "./rollup.ts";
import { devices, events, policyChanges, releases, rollupHours, rollups } from "./schema.ts";
import { rowsOf } from "./sql.ts";
import { teamFigures } from "./team-figures.ts";
import { tablesContaining } from "./test-support.ts";

type Member = Awaited<ReturnType<TestApp["person"]>>;
type Team = typeof teams.$inferSelect;

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["activity"] });
});
afterAll(() => t.close());

const now = (): Date => t.clock.now();
const ago = (minutes: number): string => new Date(now().getTime() - minutes * 60_000).toISOString();

async function deviceFor(personId?: string): Promise<{ token: string; personId: string; deviceId: string }> {
  const id = personId ?? (await t.person()).id;
  const { token, deviceId } = await registerDevice(t.ctx.db, { personId: id, name: "laptop", at: now() });
  return { token, personId: id, deviceId };
}

function send(token: string | null, path: string, body: unknown, method = "POST"): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  return t.client().request(path, { method, headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

async function eventCount(deviceId: string): Promise<number> {
  return (await t.ctx.db.select().from(events).where(eq(events.deviceId, deviceId))).length;
}

/** Freezes every closed week of every team, as the release job does, with the given noise. */
async function releaseWeeks(noise: Noise = secureNoise): Promise<number> {
  await t.ctx.scheduler.runNow("activity.rollup"); // the weeks are final once rolled past
  return releaseDueWeeks(t.ctx.db, (fn) => t.ctx.db.transaction(fn), { k: 5, noise, now: now(), lookbackWeeks: 12 });
}

/**
 * A team with `size` members, each with rollups of 600 s per slot on a few hours of Monday and
 * Tuesday of the closed week of 16 February 2026, then released.
 */
async function teamWithRollups(
  size: number,
  opts: { zones?: string[]; name?: string; timeZone?: string; noise?: Noise } = {},
) {
  const [team] = await t.ctx.db
    .insert(teams)
    .values({ name: opts.name ?? `Team ${crypto.randomUUID().slice(0, 8)}`, timeZone: opts.timeZone ?? "UTC" })
    .returning();
  const members = [];
  for (let i = 0; i < size; i++) {
    const p = await t.person({
      name: `Member ${i} ${crypto.randomUUID().slice(0, 6)}`,
      timeZone: opts.zones?.[i] ?? "UTC",
      workingHours: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]] },
    });
    await t.ctx.db.insert(teamMembers).values({ teamId: (team as Team).id, personId: p.id });
    members.push(p);
  }
  // Monday and Tuesday of a closed week, 10:00–11:15 UTC, plus an evening slot.
  const monday = new Date("2026-02-16T00:00:00Z").getTime();
  const rows = members.flatMap((p) =>
    [0, 1].flatMap((day) =>
      [10, 10.25, 10.5, 10.75, 11, 20].map((h) => ({
        personId: p.id,
        slotStart: new Date(monday + day * 86_400_000 + h * 3_600_000),
        category: h === 20 ? "Communication > Chat" : "Focus work > Programming",
        seconds: 600,
      })),
    ),
  );
  await ensurePartitions(t.ctx.db, new Date(monday), new Date(monday + 7 * 86_400_000));
  await t.ctx.db.insert(rollups).values(rows);
  await markAfterHours(t.ctx.db, new Date(monday));
  await refreshHours(t.ctx.db, new Date(monday));
  await releaseWeeks(opts.noise);
  return { team: team as Team, members };
}

describe("devices and tokens", () => {
  it("registers a device, shows the token once, stores only its hash, and revokes it", async () => {
    const me = await t.signedIn("member");
    const res = await me.post("/activity/devices", { name: "Work laptop" });
    expect(res.status).toBe(201);
    const html = await res.text();
    const token = /(dta_[A-Za-z0-9_-]{20,})/.exec(html)?.[1] ?? "";
    expect(token).not.toBe("");
    const [row] = await t.ctx.db.select().from(devices).where(eq(devices.personId, me.person.id));
    expect(row?.tokenHash).not.toContain(token);
    expect(row?.tokenHash).toHaveLength(64);
    // Shown once: the page afterwards does not contain it.
    expect(await (await me.get("/activity")).text()).not.toContain(token);
    expect((await send(token, "/api/0/buckets/", undefined, "GET")).status).toBe(200);
    expect((await me.post(`/activity/devices/${row?.id}/revoke`, { confirm: "yes" })).status).toBe(303);
    const revoked = await send(token, "/api/0/buckets/", undefined, "GET");
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error ?? "").toBeDefined();
  });

  it("answers 401 JSON for a missing, unknown or core-style token", async () => {
    for (const token of [null, "dta_unknown", "something-else"]) {
      const res = await send(token, "/api/activity/events", { events: [] });
      expect(res.status).toBe(401);
      expect(res.headers.get("Content-Type")).toContain("application/json");
    }
  });

  it("shows admins device counts per team, never who owns them", async () => {
    const { team, members } = await teamWithRollups(2, { name: "Counted team" });
    await deviceFor((members[0] as Member).id);
    const admin = await t.signedIn("admin");
    const html = await (await admin.get("/activity/admin")).text();
    expect(html).toContain(team.name);
    for (const m of members) expect(html).not.toContain(m.name);
  });
});

describe("native ingest API", () => {
  it("stores a batch, and a retried batch never double-counts", async () => {
    const d = await deviceFor();
    const batch = {
      events: [
        { id: "a1", start: ago(30), duration: 120, app: "Code", afk: false },
        { id: "a2", start: ago(28), end: ago(20), app: "Slack", afk: false },
      ],
    };
    const first = await send(d.token, "/api/activity/events", batch);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ received: 2, stored: 2 });
    expect((await send(d.token, "/api/activity/events", batch)).status).toBe(200);
    const rows = await t.ctx.db.select().from(events).where(eq(events.deviceId, d.deviceId));
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.clientId === "a1")?.category).toBe("Focus work > Programming");
    expect(rows.find((r) => r.clientId === "a2")?.durationS).toBe(480);
  });

  it("refuses bad input with a clear 4xx, stores nothing, and leaves other devices alone", async () => {
    const d = await deviceFor();
    const other = await deviceFor();
    expect(
      (await send(other.token, "/api/activity/events", [{ id: "keep", start: ago(5), duration: 5, app: "Code" }]))
        .status,
    ).toBe(200);
    const good = { id: "ok", start: ago(10), duration: 10, app: "Code", afk: false };
    const bad: [unknown, number][] = [
      ['{"events": [', 400],
      [{ events: "nope" }, 422],
      [{ events: [good, { ...good, id: "x", duration: -1 }] }, 422],
      [{ events: [good, { ...good, id: "x", start: "yesterday" }] }, 422],
      [{ events: [good, { ...good, id: "x", start: new Date(now().getTime() + 86_400_000).toISOString() }] }, 422],
      [{ events: [good, { ...good, id: "x", start: "2020-01-01T00:00:00Z" }] }, 422],
      [{ events: [good, { ...good, id: "x", app: 42 }] }, 422],
      [{ events: [good, { ...good, id: "x", afk: "no" }] }, 422],
      [{ events: [good, { ...good, id: 7.5 }] }, 422],
      [{ events: [good, good] }, 422],
      [{ events: Array.from({ length: 5001 }, (_, i) => ({ ...good, id: `e${i}` })) }, 413],
    ];
    for (const [body, status] of bad) {
      const res = await send(d.token, "/api/activity/events", body);
      expect(res.status).toBe(status);
      expect(res.headers.get("Content-Type")).toContain("application/json");
    }
    expect(await eventCount(d.deviceId)).toBe(0);
    expect(await eventCount(other.deviceId)).toBe(1);
  });

  it("rejects a batch above the byte limit with 413", async () => {
    const d = await deviceFor();
    const huge = JSON.stringify({ events: [{ id: "x", start: ago(1), app: "a".repeat(1_100_000) }] });
    expect((await send(d.token, "/api/activity/events", huge)).status).toBe(413);
    expect(await eventCount(d.deviceId)).toBe(0);
  });

  it("drops events of a person who paused collection", async () => {
    const me = await t.signedIn("member");
    const d = await deviceFor(me.person.id);
    expect((await me.post("/activity/collection", { state: "paused" })).status).toBe(303);
    const res = await send(d.token, "/api/activity/events", [{ id: "p1", start: ago(3), duration: 60, app: "Code" }]);
    expect(res.status).toBe(202);
    expect(await eventCount(d.deviceId)).toBe(0);
    await me.post("/activity/collection", { state: "collecting" });
    await send(d.token, "/api/activity/events", [{ id: "p1", start: ago(3), duration: 60, app: "Code" }]);
    expect(await eventCount(d.deviceId)).toBe(1);
  });
});

describe("ActivityWatch-compatible API", () => {
  it("creates a bucket with 200 and answers 304 when it exists", async () => {
    const d = await deviceFor();
    const bucket = { client: "aw-watcher-window", type: "currentwindow", hostname: "box" };
    expect((await send(d.token, "/api/0/buckets/aw-watcher-window_box", bucket)).status).toBe(200);
    expect((await send(d.token, "/api/0/buckets/aw-watcher-window_box", bucket)).status).toBe(304);
    const list = await (await send(d.token, "/api/0/buckets/", undefined, "GET")).json();
    expect(Object.keys(list)).toEqual(["aw-watcher-window_box"]);
    const info = await (await send(d.token, "/api/0/info", undefined, "GET")).json();
    expect(info.hostname).toBeDefined();
  });

  it("merges heartbeats as ActivityWatch does and drops titles before storing", async () => {
    const d = await deviceFor();
    await send(d.token, "/api/0/buckets/w", { client: "aw-watcher-window", type: "currentwindow", hostname: "h" });
    const base = now().getTime() - 10 * 60_000;
    const stamp = (s: number, style: "z" | "offset"): string => {
      const iso = new Date(base + s * 1000).toISOString();
      return style === "z" ? iso : `${iso.slice(0, 19)}.123456+00:00`;
    };
    const beat = (s: number, app: string, style: "z" | "offset" = "offset", duration?: number) =>
      send(d.token, "/api/0/buckets/w/heartbeat?pulsetime=60", {
        timestamp: stamp(s, style),
        ...(duration === undefined ? {} : { duration }),
        data: { app, title: "Secret roadmap.docx", url: "https://intranet.example/secret" },
      });
    expect((await beat(0, "Code")).status).toBe(200);
    await beat(30, "Code", "z", 0);
    await beat(60, "Code");
    await beat(200, "Code"); // a gap larger than pulsetime: a new event
    await beat(210, "Slack", "z", 5); // other data: a new event
    const rows = await t.ctx.db.select().from(events).where(eq(events.deviceId, d.deviceId)).orderBy(events.startAt);
    expect(rows.map((r) => [r.app, Math.round(r.durationS)])).toEqual([
      ["Code", 60],
      ["Code", 0],
      ["Slack", 5],
    ]);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain("Secret");
    expect(stored).not.toContain("intranet");
  });

  it("answers like aw-server: /info without a token, pulsetime required, long pulsetimes and spaced bucket ids", async () => {
    const info = await send(null, "/api/0/info", undefined, "GET");
    expect(info.status).toBe(200);
    expect((await info.json()).hostname).toBeDefined();
    const d = await deviceFor();
    const bucket = "aw-watcher-afk_Ana's MacBook Pro";
    const path = `/api/0/buckets/${encodeURIComponent(bucket)}`;
    expect((await send(d.token, path, { client: "aw-watcher-afk", type: "afkstatus", hostname: "Ana's" })).status).toBe(
      200,
    );
    const beat = { timestamp: ago(5), duration: 0, data: { status: "not-afk" } };
    const missing = await send(d.token, `${path}/heartbeat`, beat);
    expect(missing.status).toBe(400);
    expect(await eventCount(d.deviceId)).toBe(0);
    expect((await send(d.token, `${path}/heartbeat?pulsetime=7205`, beat)).status).toBe(200);
    const second = await send(d.token, `${path}/heartbeat?pulsetime=7205`, { ...beat, timestamp: ago(2) });
    // The reply is the merged event: it started with the first heartbeat and lasts 3 minutes.
    const merged = await second.json();
    expect(merged.timestamp).toBe(ago(5));
    expect(merged.duration).toBeCloseTo(180, 3);
    expect(merged.data).toEqual({ status: "not-afk" });
    expect(await eventCount(d.deviceId)).toBe(1);
  });

  it("merges on the full data as aw-server does: a new title starts a new event, though only the app is kept", async () => {
    const d = await deviceFor();
    await send(d.token, "/api/0/buckets/win", { client: "aw-watcher-window", type: "currentwindow", hostname: "h" });
    const base = now().getTime() - 5 * 60_000;
    const beat = (s: number, title: string) =>
      send(d.token, "/api/0/buckets/win/heartbeat?pulsetime=2", {
        timestamp: new Date(base + s * 1000).toISOString(),
        duration: 0,
        data: { app: "Code", title },
      });
    for (let s = 0; s <= 10; s++) await beat(s, "a.ts");
    for (let s = 11; s <= 20; s++) await beat(s, "b.ts"); // same app, another title
    await beat(30, "b.ts"); // a gap of 10 s > pulsetime: a new event
    const rows = await t.ctx.db.select().from(events).where(eq(events.deviceId, d.deviceId)).orderBy(events.startAt);
    expect(rows.map((r) => [r.app, r.durationS])).toEqual([
      ["Code", 10],
      ["Code", 9],
      ["Code", 0],
    ]);
    expect(JSON.stringify(rows)).not.toContain("a.ts");
  });

  it("stores afk status events and batch events, and refuses huge data and future timestamps", async () => {
    const d = await deviceFor();
    await send(d.token, "/api/0/buckets/afk", { client: "aw-watcher-afk", type: "afkstatus", hostname: "h" });
    expect(
      (
        await send(d.token, "/api/0/buckets/afk/heartbeat?pulsetime=5", {
          timestamp: ago(2),
          duration: 30,
          data: { status: "afk" },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await send(d.token, "/api/0/buckets/afk/events", [
          { timestamp: ago(1), duration: 10, data: { status: "not-afk" } },
        ])
      ).status,
    ).toBe(200);
    const rows = await t.ctx.db.select().from(events).where(eq(events.deviceId, d.deviceId));
    expect(rows.map((r) => r.afk).sort()).toEqual([false, true]);
    const huge = await send(d.token, "/api/0/buckets/afk/heartbeat?pulsetime=5", {
      timestamp: ago(1),
      data: { status: "afk", junk: "x".repeat(10_000) },
    });
    expect(huge.status).toBe(422);
    const future = await send(d.token, "/api/0/buckets/afk/heartbeat?pulsetime=5", {
      timestamp: "2030-01-01T00:00:00+00:00",
      data: { status: "afk" },
    });
    expect(future.status).toBe(422);
    expect(
      (await send(d.token, "/api/0/buckets/missing/heartbeat?pulsetime=5", { timestamp: ago(1), data: { app: "x" } }))
        .status,
    ).toBe(404);
    expect(await eventCount(d.deviceId)).toBe(2);
  });
});

describe("categories", () => {
  it("ships neutral hierarchical defaults without an 'unproductive' category", async () => {
    const admin = await t.signedIn("admin");
    const html = await (await admin.get("/activity/admin")).text();
    for (const name of ["Focus work", "Communication", "Meetings", "Docs", "Browsing"]) expect(html).toContain(name);
    expect(html.toLowerCase()).not.toContain("unproductive");
  });

  it("lets admins add a rule (validated) that categorizes new events", async () => {
    const admin = await t.signedIn("admin");
    expect((await admin.post("/activity/admin/rules", { path: "Focus work > Writing", pattern: "([" })).status).toBe(
      422,
    );
    expect(
      (await admin.post("/activity/admin/rules", { path: "Focus work > Writing", pattern: "^ulysses$" })).status,
    ).toBe(303);
    const d = await deviceFor();
    await send(d.token, "/api/activity/events", [{ id: "w", start: ago(2), duration: 10, app: "Ulysses" }]);
    const [row] = await t.ctx.db.select().from(events).where(eq(events.deviceId, d.deviceId));
    expect(row?.category).toBe("Focus work > Writing");
    const member = await t.signedIn("member");
    expect((await member.post("/activity/admin/rules", { path: "X", pattern: "x" })).status).toBe(403);
  });
});

describe("rollups and retention", () => {
  it("keeps rollups in a table partitioned by month", async () => {
    const rows = rowsOf<{ strategy: string }>(
      await t.ctx.db.execute(sql`
        select pt.partstrat as strategy from pg_partitioned_table pt
        join pg_class c on c.oid = pt.partrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'activity' and c.relname = 'rollups'`),
    );
    expect(rows.map((r) => r.strategy)).toEqual(["r"]);
  });

  it("rolls events into 15-minute category totals minus AFK time, and deletes raw events after 24 h", async () => {
    const d = await deviceFor();
    const slot = new Date("2026-03-02T08:00:00Z");
    const iso = (min: number): string => new Date(slot.getTime() + min * 60_000).toISOString();
    await send(d.token, "/api/activity/events", [
      // 08:00–08:20 Code: 15 min in the first slot, 5 in the second.
      { id: "r1", start: iso(0), end: iso(20), app: "Code" },
      // AFK 08:05–08:07 removes 2 minutes from the first slot.
      { id: "r2", start: iso(5), end: iso(7), afk: true },
      { id: "r3", start: iso(20), end: iso(25), app: "Firefox" },
    ]);
    await t.ctx.scheduler.runNow("activity.rollup");
    await t.ctx.scheduler.runNow("activity.rollup"); // a re-run changes nothing
    const mine = await t.ctx.db.select().from(rollups).where(eq(rollups.personId, d.personId));
    const bySlot = mine.map((r) => [r.slotStart.toISOString().slice(11, 16), r.category, r.seconds]).sort();
    expect(bySlot).toEqual([
      ["08:00", "Focus work > Programming", 13 * 60],
      ["08:15", "Browsing", 5 * 60],
      ["08:15", "Focus work > Programming", 5 * 60],
    ]);
    t.clock.advance(25 * 3_600_000);
    await t.ctx.scheduler.runNow("activity.rollup");
    expect(await eventCount(d.deviceId)).toBe(0);
    const after = await t.ctx.db.select().from(rollups).where(eq(rollups.personId, d.personId));
    expect(after.reduce((s, r) => s + r.seconds, 0)).toBe(23 * 60);
  });

  it("applies AFK per device: an idle desktop does not erase the laptop's active time", async () => {
    const person = await t.person();
    const laptop = await deviceFor(person.id);
    const desktop = await deviceFor(person.id);
    const slot = new Date(Math.floor((now().getTime() - 3 * 3_600_000) / 900_000) * 900_000);
    const iso = (min: number): string => new Date(slot.getTime() + min * 60_000).toISOString();
    await send(laptop.token, "/api/activity/events", [{ id: "l1", start: iso(0), end: iso(10), app: "Code" }]);
    await send(desktop.token, "/api/activity/events", [{ id: "d1", start: iso(0), end: iso(15), afk: true }]);
    await t.ctx.scheduler.runNow("activity.rollup");
    const mine = await t.ctx.db.select().from(rollups).where(eq(rollups.personId, person.id));
    expect(mine.reduce((sum, r) => sum + r.seconds, 0)).toBe(600);
  });

  it("drops rollups past the retention setting", async () => {
    const p = await t.person();
    await ensurePartitions(t.ctx.db, new Date("2025-10-01T00:00:00Z"), new Date("2025-10-02T00:00:00Z"));
    await t.ctx.db
      .insert(rollups)
      .values({ personId: p.id, slotStart: new Date("2025-10-01T10:00:00Z"), category: "Docs", seconds: 60 });
    await t.ctx.scheduler.runNow("activity.retention");
    expect(await t.ctx.db.select().from(rollups).where(eq(rollups.personId, p.id))).toHaveLength(0);
  });
});

describe("privacy rules", () => {
  it("shows team figures only when at least 5 people contributed", async () => {
    const four = await teamWithRollups(4);
    const five = await teamWithRollups(5);
    const viewer = await t.signedIn(four.members[0] as Member);
    const small = await (await viewer.get(`/api/activity/teams/${four.team.id}`)).json();
    expect(small.figures.shown).toBe(false);
    expect(small.figures.heatmap).toBeUndefined();
    const html = await (await viewer.get(`/activity/teams/${four.team.id}`)).text();
    expect(html).toContain("Fewer than 5 people");
    const viewer5 = await t.signedIn(five.members[0] as Member);
    const big = await (await viewer5.get(`/api/activity/teams/${five.team.id}`)).json();
    expect(big.figures.shown).toBe(true);
    // Contributors are published with noise, inside their stated 95 % range most of the time.
    expect(Math.abs(big.figures.contributors.value - 5)).toBeLessThan(big.figures.contributors.plusMinus * 2);
    expect(big.figures.heatmap.length).toBeGreaterThan(0);
  });

  it("suppresses a slice that would leave fewer than 5 people in the rest of the team", async () => {
    const zones = [...Array(6).fill("Europe/Berlin"), ...Array(2).fill("Asia/Tokyo")];
    const { team, members } = await teamWithRollups(8, { zones });
    const viewer = await t.signedIn(members[0] as Member);
    const whole = await (await viewer.get(`/api/activity/teams/${team.id}`)).json();
    expect(whole.figures.shown).toBe(true);
    const slice = await (await viewer.get(`/api/activity/teams/${team.id}?zone=Europe/Berlin`)).json();
    expect(slice.figures.shown).toBe(false);
    const [frozen] = await t.ctx.db
      .select({ reason: releases.reason })
      .from(releases)
      .where(and(eq(releases.teamId, team.id), eq(releases.week, "2026-02-16"), eq(releases.slice, "Europe/Berlin")));
    expect(frozen?.reason).toContain("rest of the team");
    const tiny = await (await viewer.get(`/api/activity/teams/${team.id}?zone=Asia/Tokyo`)).json();
    expect(tiny.figures.shown).toBe(false);
  });

  it("never puts person ids or names in team pages and APIs", async () => {
    const { team, members } = await teamWithRollups(6);
    const viewer = await t.signedIn(members[0] as Member);
    const admin = await t.signedIn("admin");
    for (const client of [viewer, admin]) {
      for (const path of [`/api/activity/teams/${team.id}`, `/activity/teams/${team.id}`]) {
        const res = await client.get(path);
        expect(res.status).toBe(200);
        const body = await res.text();
        // The signed-in viewer's own name is in the page header; nobody else's may appear.
        for (const m of members.filter((m) => m.id !== client.person.id)) {
          expect(body).not.toContain(m.id);
          expect(body).not.toContain(m.name);
          expect(body).not.toContain(m.email);
        }
      }
    }
  });

  it("offers no ranking or per-person sorting anywhere", async () => {
    const { team, members } = await teamWithRollups(6);
    const viewer = await t.signedIn(members[1] as Member);
    for (const query of ["?sort=person", "?order=desc&by=person", "?rank=1"]) {
      const body = await (await viewer.get(`/api/activity/teams/${team.id}${query}`)).text();
      for (const m of members) expect(body).not.toContain(m.id);
    }
    const routes = t.ctx.routes.rules.filter((r) => r.owner === "activity").map((r) => r.path);
    expect(routes.filter((p) => /rank|leaderboard|sort|people\/?$/i.test(p))).toEqual([]);
  });

  it("lets only the person see their own page; a manager or admin gets 403", async () => {
    const person = await t.person();
    const self = await t.signedIn(person);
    expect((await self.get(`/activity/people/${person.id}`)).status).toBe(200);
    for (const role of ["manager", "admin", "owner"] as const) {
      expect((await (await t.signedIn(role)).get(`/activity/people/${person.id}`)).status).toBe(403);
    }
  });

  it("lets a team outsider (even a manager) not see the team figures", async () => {
    const { team } = await teamWithRollups(5);
    const outsider = await t.signedIn("manager");
    expect((await outsider.get(`/api/activity/teams/${team.id}`)).status).toBe(403);
  });

  it("exports the person's data as JSON and CSV, and deletes it on request", async () => {
    const { members } = await teamWithRollups(1);
    const me = await t.signedIn(members[0] as Member);
    const json = await (await me.get("/activity/export.json")).json();
    expect(json.rollups.length).toBe(12);
    const csv = await (await me.get("/activity/export.csv")).text();
    expect(csv.split("\r\n")[0]).toBe("kind,start,seconds,category,app,afk");
    expect(csv).toContain("Focus work > Programming");
    expect((await me.post("/activity/delete", { confirm: "nope" })).status).toBe(422);
    expect(
      await t.ctx.db
        .select()
        .from(rollups)
        .where(eq(rollups.personId, (members[0] as Member).id)),
    ).toHaveLength(12);
    expect((await me.post("/activity/delete", { confirm: "delete my activity" })).status).toBe(303);
    expect(
      await t.ctx.db
        .select()
        .from(rollups)
        .where(eq(rollups.personId, (members[0] as Member).id)),
    ).toHaveLength(0);
  });

  it("refuses a threshold below 5 and audit-logs every change, visible to all members", async () => {
    const admin = await t.signedIn(await t.person({ role: "admin", name: "Audrey Admin" }));
    const low = await admin.post("/activity/admin/policy", { minGroupSize: "4", rollupRetentionDays: "90" });
    expect(low.status).toBe(422);
    expect(await low.text()).toContain("cannot go lower");
    expect(await t.ctx.db.select().from(policyChanges)).toHaveLength(0);
    expect((await admin.post("/activity/admin/policy", { minGroupSize: "7", rollupRetentionDays: "60" })).status).toBe(
      303,
    );
    const changes = await t.ctx.db.select().from(policyChanges);
    expect(changes.map((c) => [c.field, c.oldValue, c.newValue]).sort()).toEqual([
      ["minGroupSize", 5, 7],
      ["rollupRetentionDays", 90, 60],
    ]);
    const member = await t.signedIn("member");
    const page = await (await member.get("/activity/transparency")).text();
    expect(page).toContain("Audrey Admin");
    expect(page).toContain("Minimum people behind a team figure");
    // Back to the default for the other tests.
    await admin.post("/activity/admin/policy", { minGroupSize: "5", rollupRetentionDays: "90" });
  });

  it("finds a canary title and URL in no table after both APIs", async () => {
    const d = await deviceFor();
    const canaryTitle = "CANARY-TITLE-7f3a";
    const canaryUrl = "https://canary.example/CANARY-URL-7f3a";
    await send(d.token, "/api/activity/events", [
      { id: "c1", start: ago(4), duration: 30, app: "Firefox", title: canaryTitle, url: canaryUrl },
    ]);
    await send(d.token, "/api/0/buckets/aw-watcher-web_h", {
      client: "aw-watcher-web",
      type: "web.tab.current",
      hostname: "h",
    });
    await send(d.token, "/api/0/buckets/aw-watcher-web_h/heartbeat?pulsetime=10", {
      timestamp: ago(3),
      data: { url: canaryUrl, title: canaryTitle, audible: false },
    });
    await send(d.token, "/api/0/buckets/cw/", { client: "aw-watcher-window", type: "currentwindow", hostname: "h" });
    await send(d.token, "/api/0/buckets/cw", { client: "aw-watcher-window", type: "currentwindow", hostname: "h" });
    await send(d.token, "/api/0/buckets/cw/heartbeat?pulsetime=10", {
      timestamp: ago(2),
      data: { app: "Firefox", title: canaryTitle, url: canaryUrl },
    });
    await send(d.token, "/api/0/buckets/cw/events", [
      { timestamp: ago(1), duration: 3, data: { app: "Firefox", title: canaryTitle } },
    ]);
    expect(await eventCount(d.deviceId)).toBeGreaterThan(1);
    await t.ctx.scheduler.runNow("activity.rollup");
    expect(await tablesContaining(t.ctx.db, "CANARY")).toEqual([]);
  });
});

describe("after-hours flag and hourly totals", () => {
  it("marks each slot from the person's own working hours in their own zone, and freezes it once final", async () => {
    // Move to the next Monday 11:00 UTC (clocks only go forward in this file).
    const start = now().getTime();
    const monday = new Date(Math.ceil((start - 345_600_000) / 604_800_000) * 604_800_000 + 345_600_000); // epoch + 4 days: a Monday
    t.clock.set(new Date(monday.getTime() + 11 * 3_600_000));
    const tokyo = await t.person({ timeZone: "Asia/Tokyo", workingHours: { mon: [["09:00", "17:00"]] } });
    const d = await deviceFor(tokyo.id);
    const at = (h: number, m = 0): string => new Date(monday.getTime() + (h * 60 + m) * 60_000).toISOString();
    // 01:00 UTC is 10:00 in Tokyo (working hours); 10:00 UTC is 19:00 there (after hours).
    const res = await send(d.token, "/api/activity/events", [
      { id: "in", start: at(1), end: at(1, 15), app: "Code" },
      { id: "out", start: at(10), end: at(10, 10), app: "Slack" },
    ]);
    expect(res.status).toBe(200);
    await t.ctx.scheduler.runNow("activity.rollup");
    const flags = async () =>
      (await t.ctx.db.select().from(rollups).where(eq(rollups.personId, tokyo.id)))
        .map((r) => [r.slotStart.toISOString().slice(11, 16), r.afterHours])
        .sort();
    expect(await flags()).toEqual([
      ["01:00", false],
      ["10:00", true],
    ]);
    const hours = await t.ctx.db.select().from(rollupHours).where(eq(rollupHours.personId, tokyo.id));
    expect(hours.map((h) => [h.hourStart.toISOString().slice(11, 16), h.seconds, h.afterHoursSeconds]).sort()).toEqual([
      ["01:00", 900, 0],
      ["10:00", 600, 600],
    ]);
    // The first run after the slots leave the raw-event window still reads the current hours.
    await t.ctx.db
      .update(people)
      .set({ workingHours: { mon: [["00:00", "23:59"]] } })
      .where(eq(people.id, tokyo.id));
    t.clock.advance(25 * 3_600_000);
    await t.ctx.scheduler.runNow("activity.rollup");
    expect(await flags()).toEqual([
      ["01:00", false],
      ["10:00", false],
    ]);
    // From then on the slots are final: a later edit of the working hours rewrites nothing.
    await t.ctx.db.update(people).set({ workingHours: {} }).where(eq(people.id, tokyo.id));
    t.clock.advance(3_600_000);
    await t.ctx.scheduler.runNow("activity.rollup");
    expect(await flags()).toEqual([
      ["01:00", false],
      ["10:00", false],
    ]);
    expect(
      (await t.ctx.db.select().from(rollupHours).where(eq(rollupHours.personId, tokyo.id))).map(
        (h) => h.afterHoursSeconds,
      ),
    ).toEqual([0, 0]);
  });

  it("computes the team's after-hours share from the flags, and the heatmap in half-hour zones too", async () => {
    const { team, members } = await teamWithRollups(5, { noise: noNoise });
    const utc = await teamFigures(t.ctx.db, { teamId: team.id, weeks: 4 });
    if (!utc.shown) throw new Error(utc.reason);
    // Per day: five 10-minute slots in 09:00–17:00 and one at 20:00, outside.
    expect(utc.weeks).toEqual(["2026-02-16"]);
    expect(utc.afterHours).toHaveLength(1);
    expect(utc.afterHours[0]?.value).toBeCloseTo(1 / 6, 3);
    expect(
      utc.heatmap
        .filter((c) => c.weekday === 1)
        .map((c) => c.hour)
        .sort(),
    ).toEqual([10, 11, 20]);
    // Asia/Kolkata is UTC+05:30: 10:00 and 10:15 UTC fall in 15:00–16:00 there, 10:30–11:00 in 16:00.
    const india = await teamWithRollups(5, { noise: noNoise, timeZone: "Asia/Kolkata" });
    const kolkata = await teamFigures(t.ctx.db, { teamId: india.team.id, weeks: 4 });
    if (!kolkata.shown) throw new Error(kolkata.reason);
    const monday = kolkata.heatmap.filter((c) => c.weekday === 1);
    expect(monday.map((c) => c.hour).sort((a, b) => a - b)).toEqual([15, 16]);
    const share = (hour: number) => monday.find((c) => c.hour === hour)?.value ?? 0;
    expect(share(16) / share(15)).toBeCloseTo(1.5, 2);
    // The 20:00 UTC slot is 01:30 on Tuesday there.
    expect(kolkata.heatmap.some((c) => c.weekday === 2 && c.hour === 1)).toBe(true);
    expect(kolkata.afterHours[0]?.value).toBeCloseTo(1 / 6, 3);
    // Deleting one's data removes the hourly totals as well.
    const me = await t.signedIn(members[0] as Member);
    await me.post("/activity/delete", { confirm: "delete my activity" });
    expect(
      await t.ctx.db
        .select()
        .from(rollupHours)
        .where(eq(rollupHours.personId, (members[0] as Member).id)),
    ).toHaveLength(0);
  });
});

describe("people table stays untouched", () => {
  it("reads people without writing to them", async () => {
    expect((await t.ctx.db.select().from(people)).length).toBeGreaterThan(0);
  });
});
