/**
 * Event bus throughput: emit 10,000 events in transactions, then dispatch until none are left.
 *
 *   npx bun bench/events.ts                                          # PGlite in memory
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx bun bench/events.ts
 *
 * With a Postgres URL (TEST_DATABASE_URL, or DATABASE_URL) a throwaway database is created
 * and dropped afterwards.
 */
import { boot } from "../server/boot.ts";
import { loadConfig } from "../server/config.ts";
import { createLogger } from "../server/log.ts";
import { definePlugin } from "../server/plugin-api.ts";
import { freshDatabase } from "../server/testing/database.ts";

declare module "../server/plugin-api.ts" {
  interface EventMap {
    "bench.ping": { n: number };
  }
}

const EVENTS = 10_000;
const BATCH = 100;

if (!process.env.TEST_DATABASE_URL && process.env.DATABASE_URL)
  process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;

let handled = 0;
const benchPlugin = definePlugin({
  id: "bench",
  name: "Bench",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  setup(api) {
    api.on("bench.ping", {
      id: "count",
      async handle() {
        handled++;
      },
    });
  },
});

const config = loadConfig({ LOG_LEVEL: "silent", PLUGINS: "*" });
if (!config.ok) throw new Error(config.error);
const database = await freshDatabase();
const { ctx, close } = await boot({
  config: config.config,
  database,
  logger: createLogger("silent"),
  mailer: null,
  plugins: { modules: [benchPlugin], enabled: "*" },
});
if (!ctx.plugins.isEnabled("bench")) throw new Error(`bench plugin did not start: ${ctx.plugins.get("bench")?.error}`);

try {
  const emitStarted = performance.now();
  for (let start = 0; start < EVENTS; start += BATCH) {
    await ctx.db.transaction(async (tx) => {
      for (let n = start; n < start + BATCH; n++) await ctx.events.emit(tx, "bench.ping", { n }, "bench");
    });
  }
  const emitSeconds = (performance.now() - emitStarted) / 1000;

  const rate = (n: number, s: number): string => Math.round(n / s).toLocaleString("en");
  const emitted = `emit ${rate(EVENTS, emitSeconds)} events/s (${EVENTS} in ${emitSeconds.toFixed(2)} s, batches of ${BATCH})`;

  const dispatchStarted = performance.now();
  let rounds = 0;
  try {
    for (;;) {
      const { delivered, failed } = await ctx.events.dispatch();
      if (delivered + failed === 0) break;
      rounds++;
    }
  } catch (error) {
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    console.log(
      `events [${database.driver}]: ${emitted}; dispatch FAILED after ${handled} deliveries: ${reason.split("\n")[0]}`,
    );
    process.exitCode = 1;
  }
  const dispatchSeconds = (performance.now() - dispatchStarted) / 1000;
  if (!process.exitCode) {
    if (handled !== EVENTS) throw new Error(`expected ${EVENTS} deliveries, handled ${handled}`);
    console.log(
      `events [${database.driver}]: ${emitted}; dispatch ${rate(EVENTS, dispatchSeconds)} events/s (${dispatchSeconds.toFixed(2)} s, ${rounds} rounds)`,
    );
  }
} finally {
  await close();
}
