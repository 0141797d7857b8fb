import { join } from "node:path";
import type { Hono } from "hono";
import { buildApp } from "./app.ts";
import { type Clock, systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { AppContext } from "./context.ts";
import { type Database, openDatabase } from "./db/index.ts";
import { migrate } from "./db/migrate.ts";
import { RouteRegistry } from "./http/access.ts";
import type { AppEnv } from "./http/env.ts";
import { coreNav } from "./http/nav.ts";
import { createLogger, type Logger } from "./log.ts";
import { type Mailer, smtpMailer } from "./mail/mailer.ts";
import { outboxDepth } from "./mail/outbox.ts";
import { Metrics } from "./ops/metrics.ts";
import { coreCards } from "./org/home.tsx";
import { orgState } from "./org/org.ts";

export const coreMigrations = join(import.meta.dir, "..", "migrations");

export interface BootOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** An already-open database (tests); otherwise opened from the config. */
  database?: Database;
  /** Overrides the SMTP mailer built from `SMTP_URL` (tests). `null` = outbox only. */
  mailer?: Mailer | null;
}

export interface Booted {
  ctx: AppContext;
  app: Hono<AppEnv>;
  /** Closes the database and the mailer. */
  close(): Promise<void>;
}

/** Opens the database, applies migrations and builds the app. Shared by the server, the CLI and tests. */
export async function boot(options: BootOptions): Promise<Booted> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const database =
    options.database ??
    (await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir }));
  await migrate(database.db, { owner: "core", folder: coreMigrations });
  const mailer =
    options.mailer !== undefined ? options.mailer : config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : null;
  const clock = options.clock ?? systemClock;
  const metrics = new Metrics();
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
  };
  metrics.gauge("desktrust_mail_outbox_depth", "Messages queued or being sent.", () =>
    outboxDepth(database.db, clock.now()),
  );
  const app = buildApp(ctx);
  return {
    ctx,
    app,
    async close() {
      mailer?.close();
      await database.close();
    },
  };
}
