import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { registerSigner, runOutboundDelivery, type SignerRegistry } from "./delivery-run.ts";
import {
  deliverDueRequests,
  enqueueDelivery,
  findDelivery,
  OUTBOUND_RETRY_WINDOW_MS,
  outboundRetryDelayMs,
  pruneDeliveries,
  replayDelivery,
  replayFailed,
} from "./outbox.ts";
import { outboundDeliveries } from "./schema.ts";

interface Received {
  path: string;
  headers: Headers;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that answers with the status its path names (`/ok`, `/500`). */
function startReceiver(received: Received[], port = 0): ReturnType<typeof Bun.serve> {
  return Bun.serve({
    hostname: "127.0.0.1",
    port,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      received.push({ path, headers: req.headers, body: await req.text() });
      if (path === "/slow") await Bun.sleep(2_000);
      if (path === "/busy") return new Response("slow down", { status: 429, headers: { "Retry-After": "1800" } });
      const status = Number(path.slice(1)) || 200;
      return new Response(status === 200 ? "thanks" : `failed with ${status}`, { status });
    },
  });
}

let t: TestApp;
const signers: SignerRegistry = new Map();
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const deliver = (timeoutMs = 2_000) => deliverDueRequests(t.ctx.db, t.clock.now(), { signers, timeoutMs });

describe("the outbound delivery queue", () => {
  it("queues inside the caller's transaction: a rolled-back change sends nothing, a key queues once", async () => {
    const received: Received[] = [];
    const receiver = startReceiver(received);
    const url = `http://127.0.0.1:${receiver.port}/ok`;
    await t.ctx.db
      .transaction(async (tx) => {
        await enqueueDelivery(tx, { kind: "webhook", dedupeKey: "rolled-back", url, body: { n: 1 } }, t.clock.now());
        throw new Error("the change failed");
      })
      .catch(() => {});
    await t.ctx.db.transaction(async (tx) => {
      expect(
        await enqueueDelivery(tx, { kind: "webhook", dedupeKey: "once", url, body: { n: 2 } }, t.clock.now()),
      ).toBe(true);
    });
    expect(
      await enqueueDelivery(t.ctx.db, { kind: "webhook", dedupeKey: "once", url, body: { n: 3 } }, t.clock.now()),
    ).toBe(false);
    expect((await deliver()).delivered).toBe(1);
    expect((await deliver()).delivered).toBe(0);
    receiver.stop(true);
    expect(received.map((r) => JSON.parse(r.body))).toEqual([{ n: 2 }]);
    expect(received[0]?.headers.get("content-type")).toBe("application/json");
    const [row] = await t.ctx.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.dedupeKey, "once"));
    expect(row?.status).toBe("delivered");
    expect(row?.responseStatus).toBe(200);
    expect(row?.responseExcerpt).toBe("thanks");
  });

  it("retries while the receiver is down and delivers once when it is back", async () => {
    const received: Received[] = [];
    let receiver = startReceiver(received);
    const port = receiver.port as number;
    receiver.stop(true);
    for (let i = 0; i < 3; i++) {
      await enqueueDelivery(
        t.ctx.db,
        { kind: "webhook", dedupeKey: `outage-${i}`, url: `http://127.0.0.1:${port}/ok`, body: { i } },
        t.clock.now(),
      );
    }
    const during = await deliver();
    expect(during).toEqual({ delivered: 0, retried: 3, held: 0, dropped: 0 });
    const [failed] = await t.ctx.db
      .select()
      .from(outboundDeliveries)
      .where(eq(outboundDeliveries.dedupeKey, "outage-0"));
    expect(failed?.lastError).toBeTruthy();
    expect(failed?.status).toBe("queued");
    // Nothing is due again before its backoff.
    expect((await deliver()).retried).toBe(0);

    receiver = startReceiver(received, port);
    t.clock.advance(outboundRetryDelayMs(1));
    expect((await deliver()).delivered).toBe(3);
    t.clock.advance(3_600_000);
    expect((await deliver()).delivered).toBe(0);
    receiver.stop(true);
    expect(received.map((r) => JSON.parse(r.body).i).sort()).toEqual([0, 1, 2]);
  });

  it("sends each request once when several instances deliver at the same time", async () => {
    const received: Received[] = [];
    const receiver = startReceiver(received);
    await t.ctx.db.delete(outboundDeliveries);
    for (let i = 0; i < 30; i++) {
      await enqueueDelivery(
        t.ctx.db,
        { kind: "webhook", dedupeKey: `race-${i}`, url: `http://127.0.0.1:${receiver.port}/ok`, body: { i } },
        t.clock.now(),
      );
    }
    const reports = await Promise.all([deliver(), deliver(), deliver()]);
    receiver.stop(true);
    expect(reports.reduce((n, r) => n + r.delivered, 0)).toBe(30);
    expect(received.map((r) => JSON.parse(r.body).i).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
  });

  it("logs the response code and body of a failure, honours Retry-After, and gives up on a silent receiver in time", async () => {
    const received: Received[] = [];
    const receiver = startReceiver(received);
    const base = `http://127.0.0.1:${receiver.port}`;
    const now = t.clock.now();
    await enqueueDelivery(t.ctx.db, { kind: "webhook", dedupeKey: "http-500", url: `${base}/500`, body: {} }, now);
    await enqueueDelivery(t.ctx.db, { kind: "webhook", dedupeKey: "http-429", url: `${base}/busy`, body: {} }, now);
    await enqueueDelivery(t.ctx.db, { kind: "webhook", dedupeKey: "silent", url: `${base}/slow`, body: {} }, now);
    const report = await deliver(300);
    receiver.stop(true);
    expect(report.retried).toBe(3);
    const byKey = new Map(
      (await t.ctx.db.select().from(outboundDeliveries)).map((row) => [row.dedupeKey, row] as const),
    );
    expect(byKey.get("http-500")?.responseStatus).toBe(500);
    expect(byKey.get("http-500")?.responseExcerpt).toBe("failed with 500");
    expect(byKey.get("http-500")?.lastError).toBe("HTTP 500: failed with 500");
    expect(byKey.get("http-429")?.nextAttemptAt.getTime()).toBe(now.getTime() + 1_800_000);
    expect(byKey.get("silent")?.lastError).toBe("No response within 0.3 s.");
  });

  it("retries for 72 hours, then holds; one replay delivers each held request once", async () => {
    const received: Received[] = [];
    const probe = startReceiver(received);
    const port = probe.port as number;
    probe.stop(true);
    await t.ctx.db.delete(outboundDeliveries);
    const start = t.clock.now();
    await enqueueDelivery(
      t.ctx.db,
      { kind: "webhook", dedupeKey: "weekend", url: `http://127.0.0.1:${port}/ok`, body: { w: 1 } },
      start,
    );
    let held = 0;
    while (t.clock.now().getTime() <= start.getTime() + OUTBOUND_RETRY_WINDOW_MS + 3_600_000) {
      held += (await runOutboundDelivery({ db: t.ctx.db, signers, baseUrl: t.config.baseUrl }, t.clock.now())).held;
      t.clock.advance(3_600_000);
    }
    expect(held).toBe(1);
    const [row] = await t.ctx.db.select().from(outboundDeliveries);
    expect(row?.status).toBe("held");
    expect(row?.attempts).toBeGreaterThan(60);

    const receiver = startReceiver(received, port);
    expect(await replayFailed(t.ctx.db, t.clock.now())).toBe(1);
    expect(await replayFailed(t.ctx.db, t.clock.now())).toBe(0);
    expect((await deliver()).delivered).toBe(1);
    expect((await deliver()).delivered).toBe(0);
    // A delivered request can be replayed on purpose; it keeps its id.
    expect(await replayDelivery(t.ctx.db, row?.id ?? "", t.clock.now())).toBe(true);
    expect((await deliver()).delivered).toBe(1);
    receiver.stop(true);
    expect(received.length).toBe(2);
    expect((await findDelivery(t.ctx.db, row?.id ?? ""))?.status).toBe("delivered");
    // Housekeeping forgets delivered requests after 30 days.
    expect(await pruneDeliveries(t.ctx.db, start)).toBe(0);
    expect(await pruneDeliveries(t.ctx.db, new Date(t.clock.now().getTime() + 30 * 86_400_000))).toBe(1);
  });

  it("lets the kind's signer add headers and the real URL at send time, or drop a request whose target is gone", async () => {
    const received: Received[] = [];
    const receiver = startReceiver(received);
    registerSigner(signers, {
      kind: "teams",
      async sign(request) {
        if (request.targetId === "gone") return { send: false, reason: "The connection was removed." };
        return {
          send: true,
          url: `http://127.0.0.1:${receiver.port}/ok`,
          headers: { "x-signed": `${request.id}:${request.body.length}` },
        };
      },
    });
    expect(() => registerSigner(signers, { kind: "teams", sign: async () => ({ send: true }) })).toThrow();
    const now = t.clock.now();
    const stored = "https://example.invalid/…redacted";
    await enqueueDelivery(
      t.ctx.db,
      { kind: "teams", dedupeKey: "signed", targetId: "c1", url: stored, body: { a: 1 } },
      now,
    );
    await enqueueDelivery(t.ctx.db, { kind: "teams", dedupeKey: "gone", targetId: "gone", url: stored, body: {} }, now);
    const report = await deliver();
    receiver.stop(true);
    expect(report).toEqual({ delivered: 1, retried: 0, held: 0, dropped: 1 });
    const [signed] = await t.ctx.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.dedupeKey, "signed"));
    expect(received[0]?.headers.get("x-signed")).toBe(`${signed?.id}:7`);
    const [gone] = await t.ctx.db.select().from(outboundDeliveries).where(eq(outboundDeliveries.dedupeKey, "gone"));
    expect(gone?.status).toBe("dropped");
    expect(gone?.lastError).toBe("The connection was removed.");
  });

  it("lets the kind's judge read a 200 that reports failure: retried, or held at once when waiting cannot help", async () => {
    const receiver = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req) =>
        Response.json(
          req.url.endsWith("/revoked")
            ? { ok: false, error: "token_revoked" }
            : req.url.endsWith("/busy")
              ? { ok: false, error: "ratelimited" }
              : { ok: true },
        ),
    });
    registerSigner(signers, {
      kind: "slack",
      sign: async () => ({ send: true }),
      judge({ body }) {
        const answer = JSON.parse(body) as { ok: boolean; error?: string };
        return answer.ok
          ? { delivered: true }
          : { delivered: false, reason: `Slack: ${answer.error}`, retry: answer.error === "ratelimited" };
      },
    });
    const now = t.clock.now();
    const base = `http://127.0.0.1:${receiver.port}`;
    for (const path of ["ok", "busy", "revoked"])
      await enqueueDelivery(
        t.ctx.db,
        { kind: "slack", dedupeKey: `slack-${path}`, url: `${base}/${path}`, body: {} },
        now,
      );
    const report = await deliver();
    receiver.stop(true);
    expect(report).toEqual({ delivered: 1, retried: 1, held: 1, dropped: 0 });
    const [revoked] = await t.ctx.db
      .select()
      .from(outboundDeliveries)
      .where(eq(outboundDeliveries.dedupeKey, "slack-revoked"));
    expect(revoked?.status).toBe("held");
    expect(revoked?.lastError).toBe("Slack: token_revoked");
    expect(revoked?.responseStatus).toBe(200);
  });
});
