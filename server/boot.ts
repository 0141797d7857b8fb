import { hostname } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { buildApp } from "./app.ts";
import { createChanges } from "./changes/changes.ts";
import { type Clock, systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { AppContext } from "./context.ts";
import { type Database, openConfiguredDatabase, openNotifier } from "./db/index.ts";
import { appliedMigrations, type MigrationReport, migrate } from "./db/migrate.ts";
import { coreJobs } from "./digest/jobs.ts";
import { EventBus } from "./events/bus.ts";
import { RouteRegistry } from "./http/access.ts";
import type { AppEnv } from "./http/env.ts";
import { coreNav } from "./http/nav.ts";
import { PageCache } from "./http/page-cache.ts";
import { Scheduler } from "./jobs/scheduler.ts";
import { createLogger, type Logger } from "./log.ts";
import { type Mailer, smtpMailer } from "./mail/mailer.ts";
import { outboxDepth } from "./mail/outbox.ts";
import { Metrics } from "./ops/metrics.ts";
import { coreCards } from "./org/home.tsx";
import { orgState } from "./org/org.ts";
import { OutboundKicker, registerSigner, runOutboundDelivery } from "./outbound/delivery-run.ts";
import { outboundDepth } from "./outbound/outbox.ts";
import { registerOutbound } from "./outbound/register.ts";
import { teamMemberships } from "./people/team-cache.ts";
import { importPlugins } from "./plugins/loader.ts";
import type { PluginSource } from "./plugins/record.ts";
import { PluginRuntime } from "./plugins/runtime.ts";
import { slackSigner } from "./slack/api.ts";
import { TaskRunner } from "./tasks/tasks.ts";

export const projectRoot = join(import.meta.dir, "..");
export const coreMigrations = join(projectRoot, "migrations");
export const pluginsDir = join(projectRoot, "plugins");

/** How long a stop waits for background tasks before recording them as interrupted. */
const TASK_GRACE_MS = 5_000;

export interface BootOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** An open (or opening) database; otherwise opened from the config. */
  database?: Database | Promise<Database>;
  /** Overrides the SMTP mailer built from `SMTP_URL` (tests). `null` = outbox only. */
  mailer?: Mailer | null;
  /** Where plugins come from; default: every folder in `plugins/`, filtered by `PLUGINS`. */
  plugins?: Partial<PluginSource>;
  /** Names this instance in job claims and history. */
  instance?: string;
}

export interface Booted {
  ctx: AppContext;
  app: Hono<AppEnv>;
  /** What this boot migrated: core first, then each plugin (empty lists when up to date). */
  migrations: MigrationReport[];
  /** Starts the scheduler and the event dispatcher (the server does; tests call `tick`/`dispatch`). */
  startBackground(): void;
  /** Stops background work and closes the database and the mailer. */
  close(): Promise<void>;
}

/**
 * Opens the database, migrates core, loads and migrates plugins, and builds the app. Shared
 * by the server, the command line and tests.
 */
export async function boot(options: BootOptions): Promise<Booted> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const opening = options.database ?? openConfiguredDatabase(config, logger);
  const source: PluginSource = { dir: pluginsDir, enabled: config.plugins, ...options.plugins };
  // Plugin code is imported while the database opens: on a start, most of the wait is the database.
  if (!source.modules && source.dir && !source.imported) source.imported = importPlugins(source.dir);
  // The embedded database started early hands its handle over at once (its connections wait for
  // the engine): the work below that needs no database runs while the engine opens.
  const database = await opening;
  // One read tells core and every plugin what is applied; only a set with news migrates.
  const applied = appliedMigrations(database.db);
  applied.catch(() => {}); // awaited below
  const migrations: MigrationReport[] = [];
  const mailer =
    options.mailer !== undefined ? options.mailer : config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : null;
  const clock = options.clock ?? systemClock;
  const instance = options.instance ?? `${hostname()}:${process.pid}`;
  const metrics = new Metrics();
  const notifier = openNotifier(database, config.databaseUrl);
  // The runtime is created after the context it serves; the getters below close over it.
  let runtime: PluginRuntime | undefined;
  const isActive = (qualifiedId: string): boolean => runtime?.ownerEnabled(qualifiedId) ?? true;
  const scheduler = new Scheduler({ db: database.db, clock, logger, instance, isActive: (job) => isActive(job.id) });
  const events = new EventBus(database.db, clock, logger, (handler) => isActive(handler.id));
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    clock,
    logger,
    mailer,
    routes: new RouteRegistry(),
    nav: [...coreNav],
    cards: [...coreCards],
    metrics,
    demo: [],
    org: orgState(database.db),
    scheduler,
    events,
    tasks: new TaskRunner(database.db, clock, logger, instance),
    plugins: undefined as unknown as PluginRuntime,
    changes: createChanges(notifier, logger),
    pages: new PageCache({ database, notifier, clock, logger, maxBytes: config.pageCacheBytes }),
    memberships: teamMemberships(database.db, config.settingsCacheMs),
    outboundSigners: new Map(),
    outboundKick: undefined as unknown as OutboundKicker,
  };
  ctx.outboundKick = new OutboundKicker(
    () =>
      runOutboundDelivery(
        { db: database.db, signers: ctx.outboundSigners, logger, baseUrl: config.baseUrl },
        clock.now(),
      ),
    logger,
  );
  runtime = new PluginRuntime(ctx, scheduler, events, (report) => migrations.push(report));
  ctx.plugins = runtime;
  if (config.slack) registerSigner(ctx.outboundSigners, slackSigner(config.slack));
  for (const job of coreJobs(ctx)) scheduler.add(job);
  registerOutbound(ctx);
  await runtime.setUp(source);
  metrics.gauge("desktrust_outbound_depth", "Outgoing webhook and chat requests queued or being sent.", () =>
    outboundDepth(database.db),
  );
  metrics.gauge("desktrust_mail_outbox_depth", "Messages queued or being sent.", () =>
    outboxDepth(database.db, clock.now()),
  );
  ctx.changes.on("plugins", () => (runtime as PluginRuntime).refreshState(true));
  ctx.changes.on("org", () => ctx.org.refresh());
  ctx.changes.on("teams", async () => ctx.memberships.clear());
  const app = buildApp(ctx, (app) => runtime.mount(app));
  // Hono compiles its route table on the first match: do it now, while the database may still be
  // opening, rather than in the first request.
  app.router.match("GET", "/");
  migrations.push(await migrate(database.db, { owner: "core", folder: coreMigrations }, await applied));
  await runtime.applyMigrations(await applied);
  await ctx.changes.start();
  await ctx.pages.start();
  let background = false;
  return {
    ctx,
    app,
    migrations,
    startBackground() {
      background = true;
      scheduler.start();
      events.start();
      ctx.outboundKick.start();
      // Tasks that were running when a previous process stopped will not finish.
      void ctx.tasks
        .recoverAbandoned(database.driver === "pglite")
        .catch((error: unknown) => logger.warn("could not mark abandoned tasks", { error }));
    },
    async close() {
      await ctx.tasks.stop(TASK_GRACE_MS);
      if (background) await Promise.all([scheduler.stop(), events.stop(), ctx.outboundKick.stop()]);
      mailer?.close();
      await ctx.pages.close();
      await ctx.changes.close();
      await database.close();
    },
  };
}
