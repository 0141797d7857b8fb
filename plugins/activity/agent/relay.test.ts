import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { type TestApp, testApp } from "../../../server/testing/test-app.ts";
import { registerDevice } from "../devices.ts";
import { events } from "../schema.ts";
import { tablesContaining } from "../test-support.ts";
import { type Relay, startRelay } from "./relay.ts";

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
});
