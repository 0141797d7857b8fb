import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import type { DomainEvent, EventMap, PluginServices } from "../../server/plugin-api.ts";
import { teamMembers, teams } from "../../server/plugin-api.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { sendAlerts } from "./alerts.ts";
import { onAskAnswered, onAskCreated } from "./inbound.ts";
import { asks, clockAlerts, clocks } from "./schema.ts";
import type { SlaSettings } from "./settings.ts";

let t: TestApp;
let s: PluginServices<SlaSettings>;
beforeAll(async () => {
  // Monday 2 March 2026, 09:00 UTC.
  t = await testApp({ plugins: ["sla"] });
  s = t.ctx.plugins.services<SlaSettings>("sla");
});
afterAll(() => t.close());

async function team(): Promise<{ id: string; askerId: string; addresseeId: string }> {
  const [row] = await t.ctx.db
    .insert(teams)
    .values({ name: `Team ${crypto.randomUUID().slice(0, 8)}`, timeZone: "UTC" })
    .returning();
  const id = (row as { id: string }).id;
  const asker = await t.person();
  const addressee = await t.person();
  await t.ctx.db.insert(teamMembers).values([
    { teamId: id, personId: asker.id, isManager: false },
    { teamId: id, personId: addressee.id, isManager: false },
  ]);
  return { id, askerId: asker.id, addresseeId: addressee.id };
}

function event<T extends "ask.created" | "ask.answered">(type: T, payload: EventMap[T], at: string): DomainEvent<T> {
  return {
    id: crypto.randomUUID(),
    type,
    payload,
    source: "status-updates",
    createdAt: new Date(at),
  } as DomainEvent<T>;
}

function created(tm: { id: string; askerId: string; addresseeId: string }, askId: string, extra = {}) {
  return event(
    "ask.created",
    {
      askId,
      teamId: tm.id,
      askerId: tm.askerId,
      addresseeIds: [tm.addresseeId],
      workType: "question",
      medium: "portal",
      summary: "Ask: approve the budget",
      link: `/status-updates/updates/${askId}`,
      source: "status-updates",
      ...extra,
    },
    "2026-03-02T09:00:00Z",
  );
}

function answered(askId: string, responderId: string, at = "2026-03-02T11:00:00Z") {
  return event("ask.answered", { askId, responderId, answeredAt: at }, at);
}

async function clockOf(askId: string) {
  const [row] = await t.ctx.db
    .select({ clock: clocks })
    .from(clocks)
    .innerJoin(asks, eq(asks.id, clocks.askId))
    .where(eq(asks.sourceRef, askId));
  return row?.clock;
}

/** Runs the breach job a week later and says whether this ask's clock was alerted. */
async function breachedLater(askId: string): Promise<boolean> {
  const clock = await clockOf(askId);
  await sendAlerts(s, new Date("2026-03-09T09:00:00Z"));
  const alerts = await t.ctx.db
    .select()
    .from(clockAlerts)
    .where(eq(clockAlerts.clockId, clock?.id ?? ""));
  return alerts.length > 0;
}

describe("event order does not matter", () => {
  it("stops the clock when the answer is handled before its ask, and no breach follows", async () => {
    const tm = await team();
    const askId = crypto.randomUUID();
    await onAskAnswered(answered(askId, tm.addresseeId), s);
    await onAskCreated(created(tm, askId), s);
    const clock = await clockOf(askId);
    expect(clock?.state).toBe("stopped");
    expect(clock?.respondedById).toBe(tm.addresseeId);
    expect(clock?.elapsedSeconds).toBe(2 * 3600);
    expect(clock?.withinTarget).toBe(true);
    expect(await breachedLater(askId)).toBe(false);
  });

  it("breaches an ask nobody answered (the check above can fail)", async () => {
    const tm = await team();
    const askId = crypto.randomUUID();
    await onAskCreated(created(tm, askId), s);
    expect(await breachedLater(askId)).toBe(true);
  });

  it("ends the same in the usual order", async () => {
    const tm = await team();
    const askId = crypto.randomUUID();
    await onAskCreated(created(tm, askId), s);
    expect((await clockOf(askId))?.state).toBe("running");
    await onAskAnswered(answered(askId, tm.addresseeId), s);
    const clock = await clockOf(askId);
    expect(clock?.state).toBe("stopped");
    expect(clock?.elapsedSeconds).toBe(2 * 3600);
  });

  it("ends the same when both events are replayed, in either order", async () => {
    const tm = await team();
    const askId = crypto.randomUUID();
    const ask = created(tm, askId);
    const answer = answered(askId, tm.addresseeId);
    await onAskAnswered(answer, s);
    await onAskCreated(ask, s);
    await onAskCreated(ask, s);
    await onAskAnswered(answer, s);
    await onAskAnswered(answer, s);
    const rows = await t.ctx.db
      .select()
      .from(clocks)
      .innerJoin(asks, eq(asks.id, clocks.askId))
      .where(eq(asks.sourceRef, askId));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.clocks.state).toBe("stopped");
    expect(rows[0]?.clocks.elapsedSeconds).toBe(2 * 3600);
  });

  it("keeps the first answer when a later one arrives first", async () => {
    const tm = await team();
    const askId = crypto.randomUUID();
    await onAskAnswered(answered(askId, tm.addresseeId, "2026-03-02T13:00:00Z"), s);
    await onAskAnswered(answered(askId, tm.addresseeId, "2026-03-02T10:00:00Z"), s);
    await onAskCreated(created(tm, askId), s);
    expect((await clockOf(askId))?.elapsedSeconds).toBe(3600);
  });

  it("does not let the asker's own early reply stop the clock", async () => {
    const tm = await team();
    const askId = crypto.randomUUID();
    await onAskAnswered(answered(askId, tm.askerId), s);
    await onAskCreated(created(tm, askId), s);
    expect((await clockOf(askId))?.state).toBe("running");
  });
});

describe("the deadline people see drives the clock", () => {
  it("falls due at the asker's own deadline, not the charter's target", async () => {
    const tm = await team();
    const askId = crypto.randomUUID();
    // Thursday 17:00 UTC, while the default charter's 24 business hours end Wednesday 17:00.
    await onAskCreated(created(tm, askId, { dueAt: "2026-03-05T17:00:00Z" }), s);
    const clock = await clockOf(askId);
    expect(clock?.dueAt?.toISOString()).toBe("2026-03-05T17:00:00.000Z");
    expect(clock?.basis).toBe("calendar");
  });

  it("uses the charter's target when the asker set no deadline", async () => {
    const tm = await team();
    const askId = crypto.randomUUID();
    await onAskCreated(created(tm, askId), s);
    const clock = await clockOf(askId);
    // 24 business hours of 09:00–17:00 from Monday 09:00.
    expect(clock?.dueAt?.toISOString()).toBe("2026-03-04T17:00:00.000Z");
    expect(clock?.basis).toBe("business");
  });
});
