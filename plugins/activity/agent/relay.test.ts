import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { type TestApp, testApp } from "../../../server/testing/test-app.ts";
import { registerDevice } from "../devices.ts";
import { categoryRules, events } from "../schema.ts";
import { tablesContaining } from "../test-support.ts";
import { type Relay, relayStatus, startRelay } from "./relay.ts";

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await testApp({ plugins: ["activity"] });
  dir = mkdtempSync(join(tmpdir(), "relay-test-"));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function serve(port = 0): ReturnType<typeof Bun.serve> {
  return Bun.serve({ hostname: "127.0.0.1", port, fetch: (req) => t.app.fetch(req) });
}

describe("relay agent", () => {
  it("forwards watcher events, survives the server going away, and totals stay exact", async () => {
    const person = await t.person();
    const { token, deviceId } = await registerDevice(t.ctx.db, {
      personId: person.id,
      name: "relay",
      at: t.clock.now(),
    });
    let server = serve();
    const port = server.port as number;
    const relay: Relay = startRelay({
      serverUrl: `http://127.0.0.1:${port}`,
      token,
      port: 0,
      queuePath: join(dir, "queue.sqlite"),
      flushEveryMs: 3_600_000,
      now: () => t.clock.now().getTime(),
    });
    const watcher = (path: string, body: unknown): Promise<Response> =>
      fetch(`http://127.0.0.1:${relay.port}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    try {
      expect(
        (
          await watcher("/api/0/buckets/aw-watcher-window_h", {
            client: "aw-watcher-window",
            type: "currentwindow",
            hostname: "h",
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await watcher("/api/0/buckets/aw-watcher-window_h", {
            client: "aw-watcher-window",
            type: "currentwindow",
            hostname: "h",
          })
        ).status,
      ).toBe(304);
      const base = t.clock.now().getTime() - 3_600_000;
      const apps = ["Code", "Firefox", "Slack", "Code"];
      let expected = 0;
      // 40 one-second-apart heartbeats per app switch, as aw-watcher-window sends them.
      const stream = async (from: number, to: number): Promise<void> => {
        for (let i = from; i < to; i++) {
          const app = apps[Math.floor(i / 40) % apps.length] as string;
          const ts = new Date(base + i * 1000).toISOString().replace("Z", "123+00:00");
          const res = await watcher("/api/0/buckets/aw-watcher-window_h/heartbeat?pulsetime=2", {
            timestamp: ts,
            duration: 0,
            data: { app, title: "CANARY-RELAY-TITLE", url: "https://CANARY-RELAY-URL.example" },
          });
          expect(res.status).toBe(200);
        }
      };
      await stream(0, 100);
      expect(await relay.flush()).toBeGreaterThan(0);
      await server.stop(true); // the server goes away mid-stream
      await stream(100, 200);
      expect(await relay.flush()).toBe(0);
      expect(relay.pending()).toBeGreaterThan(0);
      server = serve(port); // and comes back
      await relay.flush();
      await relay.flush(); // a second flush sends nothing new
      expect(relay.pending()).toBe(0);
      // Code, Firefox, Slack, then Code for 80 beats: a merged run spans its first to last beat.
      expected = 3 * 39 + 79;
      const rows = await t.ctx.db.select().from(events).where(eq(events.deviceId, deviceId));
      expect(rows).toHaveLength(4);
      expect(rows.reduce((sum, r) => sum + r.durationS, 0)).toBeCloseTo(expected, 3);
      expect(rows.every((r) => r.app === null && r.category !== null)).toBe(true);
      expect(rows.map((r) => r.category)).toContain("Focus work > Programming");
      expect(await tablesContaining(t.ctx.db, "CANARY")).toEqual([]);
    } finally {
      await relay.stop();
      await server.stop(true);
    }
  });

  it("reads beside the person's own aw-server: titles stay there, the last event's growth is re-sent", async () => {
    const person = await t.person();
    const { token, deviceId } = await registerDevice(t.ctx.db, {
      personId: person.id,
      name: "beside",
      at: t.clock.now(),
    });
    const start = t.clock.now().getTime() - 1_800_000;
    const at = (s: number): string => new Date(start + s * 1000).toISOString();
    // What aw-server answers: events already merged on the full data, newest first, with ids.
    let lastDuration = 60;
    const aw = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(req) {
        const path = new URL(req.url).pathname;
        if (path === "/api/0/buckets/")
          return Response.json({
            "aw-watcher-window_box": { type: "currentwindow" },
            "aw-watcher-afk_box": { type: "afkstatus" },
            "aw-watcher-web-firefox": { type: "web.tab.current" },
          });
        if (path === "/api/0/buckets/aw-watcher-window_box/events")
          return Response.json([
            { id: 2, timestamp: at(120), duration: lastDuration, data: { app: "Slack", title: "CANARY-AW-TITLE" } },
            { id: 1, timestamp: at(0), duration: 100, data: { app: "Code", title: "CANARY-AW-TITLE" } },
          ]);
        if (path === "/api/0/buckets/aw-watcher-afk_box/events")
          return Response.json([{ id: 7, timestamp: at(0), duration: 600, data: { status: "not-afk" } }]);
        return Response.json({ message: "not found" }, { status: 404 });
      },
    });
    const server = serve();
    const queuePath = join(dir, "beside.sqlite");
    const relay = startRelay({
      serverUrl: `http://127.0.0.1:${server.port}`,
      token,
      awServerUrl: `http://127.0.0.1:${aw.port}`,
      queuePath,
      flushEveryMs: 3_600_000,
      now: () => t.clock.now().getTime(),
    });
    try {
      expect(relay.port).toBe(0); // it does not take port 5600 from aw-server
      await relay.flush();
      lastDuration = 90; // aw-server extended the last event
      await relay.flush();
      const rows = await t.ctx.db.select().from(events).where(eq(events.deviceId, deviceId)).orderBy(events.startAt);
      expect(rows.map((r) => [r.app, r.category, r.afk, r.durationS])).toEqual([
        [null, "Focus work > Programming", false, 100],
        [null, null, false, 600],
        [null, "Communication > Chat", false, 90],
      ]);
      expect(await tablesContaining(t.ctx.db, "CANARY")).toEqual([]);
      const status = relayStatus(queuePath, t.clock.now().getTime());
      expect(status.healthy).toBe(true);
      expect(status.text).toContain("mode: beside aw-server");
      expect(status.text).toContain("waiting: 0 events");
    } finally {
      await relay.stop();
      await server.stop(true);
      await aw.stop(true);
    }
  });

  it("never forwards an app name: it holds events until the rules are known, then sends only categories", async () => {
    const person = await t.person();
    const { token, deviceId } = await registerDevice(t.ctx.db, {
      personId: person.id,
      name: "rules",
      at: t.clock.now(),
    });
    const server = serve();
    const port = server.port as number;
    await server.stop(true); // the server is unreachable when the relay starts: no rules yet
    const queuePath = join(dir, "rules.sqlite");
    const relay = startRelay({
      serverUrl: `http://127.0.0.1:${port}`,
      token,
      port: 0,
      queuePath,
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
      await post("/api/0/buckets/w", { client: "aw-watcher-window", type: "currentwindow" });
      expect(
        (await post("/api/0/buckets/w/heartbeat", { timestamp: new Date().toISOString(), data: { app: "x" } })).status,
      ).toBe(400);
      const ts = new Date(t.clock.now().getTime() - 600_000).toISOString();
      expect(
        (
          await post("/api/0/buckets/w/heartbeat?pulsetime=2", {
            timestamp: ts,
            duration: 5,
            data: { app: "SecretApp" },
          })
        ).status,
      ).toBe(200);
      expect(await relay.flush()).toBe(0);
      expect(relay.pending()).toBe(1);
      expect(relayStatus(queuePath).text).toContain("category rules are not known yet");
      // The organization has no rules at all: the app still never leaves, as "Other".
      await t.ctx.db.delete(categoryRules);
      const up = serve(port);
      try {
        expect(await relay.flush()).toBe(1);
      } finally {
        await up.stop(true);
      }
      const rows = await t.ctx.db.select().from(events).where(eq(events.deviceId, deviceId));
      expect(rows.map((r) => [r.app, r.category])).toEqual([[null, "Other"]]);
      expect(await tablesContaining(t.ctx.db, "SecretApp")).toEqual([]);
    } finally {
      await relay.stop();
    }
  });
});
