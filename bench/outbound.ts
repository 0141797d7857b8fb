/**
 * Outbound delivery throughput: 1,000 signed webhook deliveries through the queue (claim, sign,
 * fetch, record) against 1,000 plain `fetch` calls with the same bodies and concurrency to the
 * same local receiver, measured in the same run. Prints the queue's cost as a ratio.
 *
 *   npx bun bench/outbound.ts                                          # PGlite in memory
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx bun bench/outbound.ts
 */
import { boot } from "../server/boot.ts";
import { loadConfig } from "../server/config.ts";
import { createLogger } from "../server/log.ts";
import { runOutboundDelivery } from "../server/outbound/delivery-run.ts";
import { enqueueDelivery } from "../server/outbound/outbox.ts";
import { createEndpoint, newSealedSecret } from "../server/outbound/webhooks.ts";
import { freshDatabase } from "../server/testing/database.ts";

const DELIVERIES = 1_000;
const CONCURRENCY = 8;

if (!process.env.TEST_DATABASE_URL && process.env.DATABASE_URL)
  process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;

let received = 0;
const receiver = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    await req.text();
    received++;
    return new Response(null, { status: 204 });
  },
});
const url = `http://127.0.0.1:${receiver.port}/hook`;
const body = (n: number) => ({
  type: "bench.ping",
  timestamp: new Date(0).toISOString(),
  data: { n, note: "x".repeat(300) },
});

const config = loadConfig({ LOG_LEVEL: "silent", PLUGINS: "" });
if (!config.ok) throw new Error(config.error);
const database = await freshDatabase();
const { ctx, close } = await boot({ config: config.config, database, logger: createLogger("silent"), mailer: null });

try {
  // Baseline: the same requests sent directly, CONCURRENCY at a time.
  const rawStarted = performance.now();
  const queue = Array.from({ length: DELIVERIES }, (_, n) => n);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body(n)),
        });
        await res.arrayBuffer();
      }
    }),
  );
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  if (received !== DELIVERIES) throw new Error(`baseline: expected ${DELIVERIES}, received ${received}`);

  const { sealed } = await newSealedSecret(ctx);
  const now = ctx.clock.now();
  const endpoint = await createEndpoint(ctx.db, {
    url,
    description: "bench",
    events: ["status.posted"],
    secretSealed: sealed,
    createdBy: null,
    at: now,
  });
  const queuedStarted = performance.now();
  for (let start = 0; start < DELIVERIES; start += 100) {
    await ctx.db.transaction(async (tx) => {
      for (let n = start; n < start + 100; n++) {
        await enqueueDelivery(
          tx,
          {
            kind: "webhook",
            dedupeKey: `bench:${n}`,
            targetId: endpoint.id,
            eventType: "bench.ping",
            url,
            body: body(n),
          },
          now,
        );
      }
    });
  }
  const enqueueSeconds = (performance.now() - queuedStarted) / 1000;
  received = 0;
  const deliverStarted = performance.now();
  const report = await runOutboundDelivery({ db: ctx.db, signers: ctx.outboundSigners, baseUrl: "" }, now);
  const deliverSeconds = (performance.now() - deliverStarted) / 1000;
  if (report.delivered !== DELIVERIES || received !== DELIVERIES)
    throw new Error(`queue: delivered ${report.delivered}, received ${received}`);

  const rate = (s: number): string => Math.round(DELIVERIES / s).toLocaleString("en");
  console.log(
    `outbound [${database.driver}]: raw fetch ${rate(rawSeconds)}/s; queue enqueue ${rate(enqueueSeconds)}/s, ` +
      `deliver (claim + sign + fetch + record) ${rate(deliverSeconds)}/s = ${(deliverSeconds / rawSeconds).toFixed(1)}× the raw fetch time`,
  );
} finally {
  receiver.stop(true);
  await close();
}
