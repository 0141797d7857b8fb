import { afterAll, beforeAll, describe, expect, it, setSystemTime } from "bun:test";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { teamMembers, teams } from "../people/schema.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { runOutboundDelivery } from "./delivery-run.ts";
import { outboundDeliveries, webhookEndpoints } from "./schema.ts";

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A real receiver on 127.0.0.1 that verifies nothing itself: the test does, with the reference library. */
function startReceiver(received: Received[], port = 0): ReturnType<typeof Bun.serve> {
  return Bun.serve({
    hostname: "127.0.0.1",
    port,
    async fetch(req) {
      received.push({ headers: Object.fromEntries(req.headers), body: await req.text() });
      return new Response(null, { status: 204 });
    },
  });
}

/**
 * Verifies with the reference implementation. It also checks the timestamp against the wall
 * clock (5 minutes' tolerance), so the wall clock is set to the test's clock meanwhile.
 */
function verify(secret: string, message: Received | undefined): unknown {
  setSystemTime(t.clock.now());
  try {
    return new Webhook(secret).verify(message?.body ?? "", message?.headers ?? {});
  } finally {
    setSystemTime();
  }
}

let t: TestApp;
beforeAll(async () => {
  // Friday 2026-03-06 16:00 UTC.
  t = await testApp({ plugins: ["status-updates"], now: "2026-03-06T16:00:00Z" });
});
afterAll(() => t.close());

/** Runs event handlers and one delivery round, as the dispatcher and the job would. */
async function flush(): Promise<void> {
  await t.ctx.events.dispatch();
  await runOutboundDelivery(
    { db: t.ctx.db, signers: t.ctx.outboundSigners, baseUrl: t.config.baseUrl, timeoutMs: 2_000 },
    t.clock.now(),
  );
}

async function addEndpoint(
  admin: Awaited<ReturnType<TestApp["signedIn"]>>,
  url: string,
  events: string[],
): Promise<{ id: string; secret: string }> {
  const res = await admin.post("/admin/webhooks", { url, description: "Receiver", events });
  expect(res.status).toBe(201);
  const html = await res.text();
  const secret = /value="(whsec_[^"]+)"/.exec(html)?.[1] ?? "";
  const id = /action="\/admin\/webhooks\/([0-9a-f-]{36})"/.exec(html)?.[1] ?? "";
  return { id, secret };
}

describe("outgoing webhooks", () => {
  it("signs each event per Standard Webhooks, verified by the reference implementation", async () => {
    const received: Received[] = [];
    const receiver = startReceiver(received);
    const admin = await t.signedIn("admin");
    const { id, secret } = await addEndpoint(admin, `http://127.0.0.1:${receiver.port}/hooks`, [
      "status.posted",
      "ask.created",
    ]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    // The secret is shown once: never on the endpoint's page again, and stored sealed.
    expect(await (await admin.get(`/admin/webhooks/${id}`)).text()).not.toContain(secret);
    const [stored] = await t.ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(stored?.secretSealed).not.toContain(secret.slice(6));

    // A real update posted through the status-updates plugin.
    const author = await t.signedIn("member");
    const [team] = await t.ctx.db.insert(teams).values({ name: "Webhook team", timeZone: "UTC" }).returning();
    await t.ctx.db.insert(teamMembers).values({ teamId: team?.id ?? "", personId: author.person.id });
    const posted = await author.post("/status-updates/updates", {
      teamId: team?.id ?? "",
      "q-bottom-line": "Search ships Monday.",
    });
    expect(posted.status).toBe(303);
    await flush();
    receiver.stop(true);

    expect(received.length).toBe(1);
    const [message] = received;
    const verified = verify(secret, message) as {
      type: string;
      timestamp: string;
      data: { teamId: string; authorId: string; eventId: string };
    };
    expect(verified.type).toBe("status.posted");
    expect(verified.data.teamId).toBe(team?.id ?? "");
    expect(verified.data.authorId).toBe(author.person.id);
    expect(message?.headers["content-type"]).toBe("application/json");
    expect(message?.headers["webhook-timestamp"]).toBe(String(Math.floor(t.clock.now().getTime() / 1000)));
    // A tampered body or another secret does not verify.
    expect(() => verify(secret, { headers: message?.headers ?? {}, body: `${message?.body} ` })).toThrow();
    expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString("base64")}`, message)).toThrow();
    const [delivery] = await t.ctx.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.targetId, id));
    expect(message?.headers["webhook-id"]).toBe(delivery?.id ?? "");
    expect(delivery?.status).toBe("delivered");
    expect(delivery?.responseStatus).toBe(204);
  });

  it("sends only subscribed events to enabled endpoints, retries while the receiver is down and delivers once when back", async () => {
    await t.ctx.db.delete(webhookEndpoints);
    const received: Received[] = [];
    const probe = startReceiver(received);
    const port = probe.port as number;
    probe.stop(true);
    const admin = await t.signedIn("admin");
    const asks = await addEndpoint(admin, `http://127.0.0.1:${port}/asks`, ["ask.answered"]);
    const off = await addEndpoint(admin, `http://127.0.0.1:${port}/off`, ["ask.answered"]);
    expect((await admin.post(`/admin/webhooks/${off.id}/enabled`, { enabled: "false" })).status).toBe(303);

    await t.ctx.db.transaction(async (tx) => {
      await t.ctx.events.emit(tx, "ask.answered", { askId: "a1", responderId: "p1", answeredAt: "x" }, "test");
      await t.ctx.events.emit(
        tx,
        "ask.created",
        {
          askId: "a2",
          teamId: "t",
          askerId: "p",
          addresseeIds: [],
          workType: "question",
          medium: "portal",
          summary: "s",
          link: "/",
          source: "test",
        },
        "test",
      );
    });
    await flush();
    const deliveries = await t.ctx.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.kind, "webhook"));
    const mine = deliveries.filter((d) => d.targetId === asks.id || d.targetId === off.id);
    expect(mine.map((d) => [d.targetId, d.eventType, d.status])).toEqual([[asks.id, "ask.answered", "queued"]]);
    expect(mine[0]?.lastError).toBeTruthy();

    // A second dispatch of the same event queues nothing new (handlers are idempotent).
    await flush();
    const receiver = startReceiver(received, port);
    t.clock.advance(10 * 60_000);
    await flush();
    expect(received.length).toBe(1);
    expect((verify(asks.secret, received[0]) as { type: string }).type).toBe("ask.answered");
    t.clock.advance(60 * 60_000);
    await flush();
    receiver.stop(true);
    expect(received.length).toBe(1);
  });

  it("shows the delivery log to admins only and replays a delivery with the same id", async () => {
    const received: Received[] = [];
    const receiver = startReceiver(received);
    const admin = await t.signedIn("admin");
    const member = await t.signedIn("member");
    await t.ctx.db.delete(webhookEndpoints);
    const endpoint = await addEndpoint(admin, `http://127.0.0.1:${receiver.port}/log`, ["ask.answered"]);
    await t.ctx.db.transaction(async (tx) => {
      await t.ctx.events.emit(tx, "ask.answered", { askId: "a9", responderId: "p9", answeredAt: "y" }, "test");
    });
    await flush();
    const [delivery] = await t.ctx.db
      .select()
      .from(outboundDeliveries)
      .where(eq(outboundDeliveries.targetId, endpoint.id));
    const log = await admin.get("/admin/deliveries?status=delivered&kind=webhook");
    expect(log.status).toBe(200);
    expect(await log.text()).toContain(`/admin/deliveries/${delivery?.id}`);
    const detail = await admin.get(`/admin/deliveries/${delivery?.id}`);
    expect(detail.status).toBe(200);
    const detailHtml = await detail.text();
    expect(detailHtml).toContain(`webhook:${endpoint.id}:`);
    expect(detailHtml).toContain("HTTP 204");
    expect(detailHtml).not.toContain(endpoint.secret);
    expect((await admin.get("/admin/deliveries/not-an-id")).status).toBe(404);
    // Nothing failed, so "replay every failed delivery" requeues nothing.
    expect((await admin.post("/admin/deliveries/replay-failed", { kind: "webhook" })).status).toBe(303);
    expect((await admin.post("/admin/deliveries/replay-failed", { kind: "fax" })).status).toBe(422);
    expect((await member.get("/admin/deliveries")).status).toBe(403);
    expect((await member.post(`/admin/deliveries/${delivery?.id}/replay`)).status).toBe(403);
    expect((await admin.get("/admin/deliveries?status=nope")).status).toBe(400);

    expect((await admin.post(`/admin/deliveries/${delivery?.id}/replay`)).status).toBe(303);
    await flush();
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([delivery?.id ?? "", delivery?.id ?? ""]);
    expect(received[0]?.body).toBe(received[1]?.body);

    // "Send a test event" reaches the endpoint, signed like any other.
    expect((await admin.post(`/admin/webhooks/${endpoint.id}/test`)).status).toBe(303);
    await flush();
    receiver.stop(true);
    expect((verify(endpoint.secret, received[2]) as { type: string }).type).toBe("webhook.test");
  });

  it("delivers right after the event when background work runs, not at the delivery job's next minute", async () => {
    const received: Received[] = [];
    const receiver = startReceiver(received);
    const admin = await t.signedIn("admin");
    await t.ctx.db.delete(webhookEndpoints);
    const endpoint = await addEndpoint(admin, `http://127.0.0.1:${receiver.port}/soon`, ["ask.answered"]);
    t.ctx.outboundKick.start();
    await t.ctx.db.transaction(async (tx) => {
      await t.ctx.events.emit(tx, "ask.answered", { askId: "a7", responderId: "p7", answeredAt: "z" }, "test");
    });
    await t.ctx.events.dispatch();
    // Waits for the run the handler asked for; no delivery job ran.
    await t.ctx.outboundKick.stop();
    receiver.stop(true);
    expect(received.length).toBe(1);
    expect((verify(endpoint.secret, received[0]) as { type: string }).type).toBe("ask.answered");
  });

  it("refuses a bad endpoint with field errors and stores nothing", async () => {
    const admin = await t.signedIn("admin");
    const before = (await t.ctx.db.select().from(webhookEndpoints)).length;
    const forms: Record<string, string>[] = [
      { url: "ftp://example.com/x", events: "ask.created" },
      { url: "https://user:pw@example.com/x", events: "ask.created" },
      { url: "https://example.com/x", events: "kudos.given" },
      { url: "https://example.com/x" },
    ];
    for (const form of forms) {
      const res = await admin.post("/admin/webhooks", form);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain("field-error");
    }
    expect((await t.ctx.db.select().from(webhookEndpoints)).length).toBe(before);
    const member = await t.signedIn("member");
    expect((await member.post("/admin/webhooks", { url: "https://example.com", events: "ask.created" })).status).toBe(
      403,
    );
  });
});
