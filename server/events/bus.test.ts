import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { createLogger } from "../log.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { EventBus } from "./bus.ts";
import { eventDeliveries, events } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const silent = createLogger("silent");

describe("event bus", () => {
  it("runs a handler that fails twice then succeeds exactly once, with backoff between tries", async () => {
    const bus = new EventBus(t.ctx.db, t.clock, silent);
    let calls = 0;
    const effects: string[] = [];
    bus.on({
      id: "test.flaky",
      type: "test.happened",
      async handle(event) {
        calls++;
        if (calls <= 2) throw new Error(`try ${calls} failed`);
        effects.push(event.id);
      },
    });
    const id = await t.ctx.db.transaction((tx) => bus.emit(tx, "test.happened", { n: 1 }, "test"));
    expect((await bus.dispatch()).failed).toBe(1);
    // Not due again until its backoff has passed.
    expect((await bus.dispatch()).delivered + (await bus.dispatch()).failed).toBe(0);
    t.clock.advance(3_000);
    expect((await bus.dispatch()).failed).toBe(1);
    t.clock.advance(5_000);
    expect((await bus.dispatch()).delivered).toBe(1);
    t.clock.advance(60_000);
    await bus.dispatch();
    expect(calls).toBe(3);
    expect(effects).toEqual([id]);
    const [delivery] = await t.ctx.db.select().from(eventDeliveries).where(eq(eventDeliveries.eventId, id));
    expect(delivery?.status).toBe("done");
    expect(delivery?.attempts).toBe(3);
  });

  it("stores nothing when the emitting transaction rolls back", async () => {
    const bus = new EventBus(t.ctx.db, t.clock, silent);
    bus.on({ id: "test.never", type: "test.rolled-back", handle: async () => {} });
    await expect(
      t.ctx.db.transaction(async (tx) => {
        await bus.emit(tx, "test.rolled-back", {}, "test");
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    expect(await t.ctx.db.select().from(events).where(eq(events.type, "test.rolled-back"))).toHaveLength(0);
  });

  it("delivers after a crash between commit and dispatch, when the next instance boots", async () => {
    const handled: string[] = [];
    const handler = {
      id: "test.durable",
      type: "test.durable",
      handle: async (e: { id: string }) => void handled.push(e.id),
    };
    const crashed = new EventBus(t.ctx.db, t.clock, silent);
    crashed.on(handler);
    const id = await t.ctx.db.transaction((tx) => crashed.emit(tx, "test.durable", { x: 1 }, "test"));
    // The process dies here: `crashed` never dispatches. A new boot has a new bus.
    const next = new EventBus(t.ctx.db, t.clock, silent);
    next.on(handler);
    await next.dispatch();
    expect(handled).toEqual([id]);
  });

  it("never runs one delivery twice when two instances dispatch at once", async () => {
    let calls = 0;
    const handler = { id: "test.once", type: "test.once", handle: async () => void calls++ };
    const a = new EventBus(t.ctx.db, t.clock, silent);
    const b = new EventBus(t.ctx.db, t.clock, silent);
    a.on(handler);
    b.on(handler);
    await t.ctx.db.transaction(async (tx) => {
      for (let i = 0; i < 20; i++) await a.emit(tx, "test.once", { i }, "test");
    });
    await Promise.all([a.dispatch(), b.dispatch()]);
    expect(calls).toBe(20);
  });
});
