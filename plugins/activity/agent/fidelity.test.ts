import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { type TestApp, testApp } from "../../../server/testing/test-app.ts";
import { registerDevice } from "../devices.ts";
import { rowsOf } from "../sql.ts";
import { startRelay } from "./relay.ts";

/**
 * ActivityWatch fidelity: 30 minutes of synthetic aw-watcher-window and aw-watcher-afk
 * heartbeats, with title changes inside one app, watcher hiccups and two AFK periods, go through
 * the relay and through the server's own /api/0; the category minutes DeskTrust rolls up must
 * equal ActivityWatch's canonical "window ∩ not-afk" within 1 %.
 *
 * The expected result is recorded below. It was derived with a line-by-line port of aw-core's
 * `heartbeat_merge` (aw-server applies it to the bucket's last event), `flood` (pulsetime 5 s)
 * and `filter_period_intersect`, i.e. the canonical query of aw-webui:
 *   window = flood(query_bucket(window)); not_afk = flood(query_bucket(afk));
 *   not_afk = filter_keyvals(not_afk, "status", ["not-afk"]);
 *   window = filter_period_intersect(window, not_afk)
 * The port is kept here and checked against the recording, so the recording cannot drift.
 */
const RECORDED: Record<string, number> = {
  "Focus work > Programming": 507.75,
  Browsing: 353.25,
  "Communication > Chat": 245.5,
  Meetings: 242.25,
};

interface Ev {
  ts: number;
  dur: number;
  data: Record<string, unknown>;
}

const same = (a: Ev, b: Ev): boolean => JSON.stringify(a.data) === JSON.stringify(b.data);

/** aw-core heartbeat_merge, as aw-server applies it. */
function heartbeatMerge(last: Ev, beat: Ev, pulsetime: number): Ev | null {
  if (!same(last, beat)) return null;
  const end = last.ts + last.dur + pulsetime;
  if (last.ts <= beat.ts && beat.ts <= end) {
    last.dur = Math.max(last.dur, beat.ts - last.ts + beat.dur);
    return last;
  }
  return null;
}

function reduce(beats: Ev[], pulsetime: number): Ev[] {
  const out: Ev[] = [];
  for (const b of beats) {
    const last = out.at(-1);
    if (!last || !heartbeatMerge(last, b, pulsetime)) out.push({ ...b });
  }
  return out;
}

/** aw-core flood (pairwise pass, then the normalizing pass). */
function flood(input: Ev[], pulsetime = 5): Ev[] {
  const events = input.map((e) => ({ ...e })).sort((a, b) => a.ts - b.ts);
  for (let i = 0; i + 1 < events.length; i++) {
    const e1 = events[i] as Ev;
    const e2 = events[i + 1] as Ev;
    const gap = e2.ts - (e1.ts + e1.dur);
    if (!gap) continue;
    if (gap < 0 && same(e1, e2)) {
      const start = Math.min(e1.ts, e2.ts);
      const end = Math.max(e1.ts + e1.dur, e2.ts + e2.dur);
      e1.ts = start;
      e1.dur = end - start;
      e2.ts = end;
      e2.dur = 0;
    } else if (gap > -0.1 && gap <= pulsetime) {
      const e2End = e2.ts + e2.dur;
      if (e1.dur >= e2.dur) {
        if (same(e1, e2)) {
          e1.dur = e2End - e1.ts;
          e2.ts = e2End;
          e2.dur = 0;
        } else e1.dur = e2.ts - e1.ts;
      } else if (same(e1, e2)) {
        e2.ts = e1.ts;
        e2.dur = e2End - e2.ts;
        e1.dur = 0;
      } else {
        e2.ts = e1.ts + e1.dur;
        e2.dur = e2End - e2.ts;
      }
    }
  }
  const normalized: Ev[] = [];
  for (const event of events.filter((e) => e.dur > 0)) {
    let placed = false;
    while (normalized.length) {
      const prev = normalized.at(-1) as Ev;
      if (prev.ts + prev.dur <= event.ts) break;
      if (same(prev, event)) {
        prev.dur = Math.max(prev.ts + prev.dur, event.ts + event.dur) - prev.ts;
        placed = true;
        break;
      }
      prev.dur = event.ts - prev.ts;
      if (prev.dur <= 0) {
        normalized.pop();
        continue;
      }
      break;
    }
    if (!placed) normalized.push(event);
  }
  return normalized;
}

/** aw-core filter_period_intersect: the parts of `events` inside any of `periods`. */
function intersect(events: Ev[], periods: Ev[]): Ev[] {
  const out: Ev[] = [];
  for (const e of events)
    for (const p of periods) {
      const s = Math.max(e.ts, p.ts);
      const t = Math.min(e.ts + e.dur, p.ts + p.dur);
      if (t > s) out.push({ ts: s, dur: t - s, data: e.data });
    }
  return out;
}

const categoryOf: Record<string, string> = {
  Code: "Focus work > Programming",
  Firefox: "Browsing",
  Slack: "Communication > Chat",
  Zoom: "Meetings",
};

/**
 * The watchers' heartbeats over 30 minutes (seconds from the start). The window watcher polls
 * every second (pulsetime 2: poll time + 1) with segments of 4–70 s, often the same app with a
 * new title, and misses a few polls; the AFK watcher polls every 5 s (pulsetime 185: its
 * 180 s timeout + poll time); the person is away 600–900 s and 1500–1650 s.
 */
function watcherStreams(): { window: Ev[]; afk: Ev[] } {
  let seed = 42;
  const rand = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const apps = ["Code", "Code", "Firefox", "Slack", "Zoom", "Code"];
  const window: Ev[] = [];
  let t = 0;
  let doc = 0;
  while (t < 1800) {
    const app = apps[Math.floor(rand() * apps.length)] as string;
    const length = 4 + Math.floor(rand() * 66);
    doc++;
    for (let s = t; s < Math.min(1800, t + length); s++) {
      if (rand() < 0.03) continue; // a missed poll: a 2 s gap, within pulsetime
      if (rand() < 0.005) s += 3; // a hiccup: a gap beyond pulsetime, flooded by aw-core
      window.push({ ts: s + 0.25, dur: 0, data: { app, title: `${app} — document ${doc}` } });
    }
    t += length;
  }
  const away = (s: number): boolean => (s >= 600 && s < 900) || (s >= 1500 && s < 1650);
  const afk: Ev[] = [];
  for (let s = 0; s < 1800; s += 5) afk.push({ ts: s, dur: 0, data: { status: away(s) ? "afk" : "not-afk" } });
  return { window, afk };
}

function canonical(streams: { window: Ev[]; afk: Ev[] }): Record<string, number> {
  const window = flood(reduce(streams.window, 2));
  const notAfk = flood(reduce(streams.afk, 185)).filter((e) => e.data.status === "not-afk");
  const totals: Record<string, number> = {};
  for (const e of intersect(window, notAfk)) {
    const category = categoryOf[e.data.app as string] ?? "Other";
    totals[category] = (totals[category] ?? 0) + e.dur;
  }
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
}

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await testApp({ plugins: ["activity"] });
  dir = mkdtempSync(join(tmpdir(), "fidelity-"));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rolledUp(personId: string): Promise<Record<string, number>> {
  await t.ctx.scheduler.runNow("activity.rollup");
  const rows = rowsOf<{ category: string; secs: number }>(
    await t.ctx.db.execute(sql`
      select category, sum(seconds)::float8 as secs from activity.rollups
      where person_id = ${personId}::uuid group by 1`),
  );
  return Object.fromEntries(rows.map((r) => [r.category, Number(r.secs)]));
}

function expectWithinOnePercent(actual: Record<string, number>, expected: Record<string, number>): void {
  for (const [category, seconds] of Object.entries(expected)) {
    expect(Math.abs((actual[category] ?? 0) - seconds)).toBeLessThanOrEqual(Math.max(0.01 * seconds, 2));
  }
  const total = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
  expect(Math.abs(total(actual) - total(expected))).toBeLessThanOrEqual(0.01 * total(expected));
}

describe("ActivityWatch fidelity", () => {
  const streams = watcherStreams();
  const base = Date.parse("2026-03-02T08:00:00Z");
  const stamp = (s: number): string => new Date(base + s * 1000).toISOString();

  it("derives the recorded canonical result from aw-core's semantics", () => {
    expect(canonical(streams)).toEqual(RECORDED);
  });

  it("rolls up the relay's forwarded events to ActivityWatch's window ∩ not-afk within 1 %", async () => {
    const person = await t.person();
    const { token } = await registerDevice(t.ctx.db, { personId: person.id, name: "relay", at: t.clock.now() });
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => t.app.fetch(req) });
    const relay = startRelay({
      serverUrl: `http://127.0.0.1:${server.port}`,
      token,
      port: 0,
      queuePath: join(dir, "relay.sqlite"),
      flushEveryMs: 3_600_000,
      now: () => t.clock.now().getTime(),
    });
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`http://127.0.0.1:${relay.port}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    try {
      await post("/api/0/buckets/aw-watcher-window_box", { client: "aw-watcher-window", type: "currentwindow" });
      await post("/api/0/buckets/aw-watcher-afk_box", { client: "aw-watcher-afk", type: "afkstatus" });
      for (const e of merged(streams))
        await post(`/api/0/buckets/${e.bucket}/heartbeat?pulsetime=${e.pulsetime}`, {
          timestamp: stamp(e.ts),
          duration: e.dur,
          data: e.data,
        });
      await relay.flush();
      expect(relay.pending()).toBe(0);
    } finally {
      await relay.stop();
      await server.stop(true);
    }
    expectWithinOnePercent(await rolledUp(person.id), RECORDED);
  });

  it("rolls up heartbeats sent straight to /api/0 to the canonical result too", async () => {
    // The first 11 minutes (the first AFK period included), to keep the test quick; the
    // expected result comes from the same aw-core port that reproduces the recording.
    const head = {
      window: streams.window.filter((e) => e.ts < 660),
      afk: streams.afk.filter((e) => e.ts < 660),
    };
    const person = await t.person();
    const { token, deviceId } = await registerDevice(t.ctx.db, {
      personId: person.id,
      name: "direct",
      at: t.clock.now(),
    });
    const post = (path: string, body: unknown): Promise<Response> =>
      t.client().request(path, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    await post("/api/0/buckets/aw-watcher-window_box", { client: "aw-watcher-window", type: "currentwindow" });
    await post("/api/0/buckets/aw-watcher-afk_box", { client: "aw-watcher-afk", type: "afkstatus" });
    for (const e of merged(head)) {
      const res = await post(`/api/0/buckets/${e.bucket}/heartbeat?pulsetime=${e.pulsetime}`, {
        timestamp: stamp(e.ts),
        duration: e.dur,
        data: e.data,
      });
      expect(res.status).toBe(200);
    }
    const stored = await t.ctx.db.execute(
      sql`select count(*)::int as n from activity.events where device_id = ${deviceId}::uuid`,
    );
    expect(rowsOf<{ n: number }>(stored)[0]?.n).toBeGreaterThan(10);
    expectWithinOnePercent(await rolledUp(person.id), canonical(head));
  });
});

/** Both watchers' heartbeats in the order they reach the server. */
function merged(streams: { window: Ev[]; afk: Ev[] }): (Ev & { bucket: string; pulsetime: number })[] {
  return [
    ...streams.window.map((e) => ({ ...e, bucket: "aw-watcher-window_box", pulsetime: 2 })),
    ...streams.afk.map((e) => ({ ...e, bucket: "aw-watcher-afk_box", pulsetime: 185 })),
  ].sort((a, b) => a.ts - b.ts);
}
