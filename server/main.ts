import type { Booted } from "./boot.ts";
import { EmbeddedStartError, startPgliteThread } from "./db/pglite-thread.ts";

// Boot: config → database → plugins and app → migrations → serve. `npm start` runs this file.
// The embedded database's thread starts first, needing only Node's own modules, and opens PGlite
// while everything else is imported and set up; the configuration is checked right after (an
// empty variable counts as unset there too; a bad value stops the process before it serves).
const early = process.env.DATABASE_URL
  ? undefined
  : startPgliteThread(process.env.DATA_DIR || "./data", {
      cacheMb: Number(process.env.PGLITE_CACHE_MB) || undefined,
    });
const { loadConfig } = await import("./config.ts");
const { openConfiguredDatabase } = await import("./db/index.ts");
const { createLogger } = await import("./log.ts");
const result = loadConfig(process.env);
if (!result.ok) {
  console.error(`desktrust: ${result.error}`);
  process.exit(1);
}
const config = result.config;
const started = performance.now();
const logger = createLogger(config.logLevel);
// A first start creates the embedded database: say so before the seconds it takes.
logger.info("starting", {
  database: config.databaseUrl ? "Postgres" : `PGlite in ${config.dataDir}`,
  port: config.port,
});
const database = openConfiguredDatabase(config, logger, early);
// Failures are reported below, once boot awaits it.
database.catch(() => {});
let booted: Booted;
try {
  const { boot } = await import("./boot.ts");
  booted = await boot({ config, logger, database });
} catch (error) {
  // One line, no stack: a data directory in use, an unreachable database, a failed migration. The
  // embedded database's own start failure reaches boot as the cause of its first query's.
  const reason = error instanceof Error && error.cause instanceof EmbeddedStartError ? error.cause : error;
  console.error(`desktrust: ${reason instanceof Error ? reason.message : String(reason)}`);
  process.exit(1);
}
const { ctx, app, close, startBackground } = booted;
const { afterResponseSettled } = await import("./http/after-response.ts");
const { announceSetupCode } = await import("./org/setup-code.ts");
const { warmUp } = await import("./lazy.ts");

const server = Bun.serve({
  port: config.port,
  hostname: config.host,
  fetch: app.fetch,
});

// Jobs (digests, mail delivery, plugin jobs) and event handlers run in the background, from a
// moment after the server answers: a start's first requests (the health probe that tells an
// orchestrator it is up, the first page) are not queued behind the scheduler's catch-up. An
// empty install reachable from the network asks for a setup code: it is logged then too, and
// the libraries nearly every page needs but a start does not are loaded (see server/lazy.ts).
const BACKGROUND_DELAY_MS = 1_000;
const background = setTimeout(() => {
  startBackground();
  announceSetupCode(ctx).catch((error: unknown) => ctx.logger.warn("no setup code", { error }));
  void warmUp();
}, BACKGROUND_DELAY_MS);

ctx.logger.info("desktrust started", {
  url: config.baseUrl,
  listening: `${server.hostname}:${server.port}`,
  database: ctx.database.driver === "pglite" ? `PGlite in ${config.dataDir}` : "Postgres",
  mail: ctx.mailer ? "SMTP" : "outbox only (no SMTP_URL)",
  bootMs: Math.round(performance.now() - started),
});

const SHUTDOWN_GRACE_MS = 10_000;
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearTimeout(background);
  ctx.logger.info("shutting down", { signal });
  // Stop accepting connections and let in-flight requests finish, then close the database.
  // A request that hangs must not keep the process alive past an orchestrator's kill timeout.
  try {
    const drained = await Promise.race([
      server.stop(false).then(() => true),
      Bun.sleep(SHUTDOWN_GRACE_MS).then(() => false),
    ]);
    if (!drained) {
      ctx.logger.warn("requests still running after 10 s; closing their connections");
      void server.stop(true);
    }
    // Work queued to run after a response (a reset mail) finishes before the database closes.
    await Promise.race([afterResponseSettled(), Bun.sleep(SHUTDOWN_GRACE_MS)]);
    // A stuck database call must not keep the process alive either.
    const closed = await Promise.race([close().then(() => true), Bun.sleep(SHUTDOWN_GRACE_MS).then(() => false)]);
    if (!closed) ctx.logger.warn("the database did not close within 10 s; exiting anyway");
  } catch (error) {
    ctx.logger.error("shutdown failed", { error });
    process.exit(1);
  }
  ctx.logger.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
// `npm start` runs the server through a shell that does not pass a stop on: when whatever
// started us goes away, stop too rather than keep serving as an orphan.
const launcher = process.ppid;
if (launcher > 1) {
  setInterval(() => {
    if (process.ppid !== launcher) void shutdown("launcher exited");
  }, 500).unref();
}
process.on("SIGINT", () => void shutdown("SIGINT"));
