import type { Changes } from "./changes/changes.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Database, Db } from "./db/index.ts";
import type { EventBus } from "./events/bus.ts";
import type { RouteRegistry } from "./http/access.ts";
import type { DashboardCard } from "./http/cards.ts";
import type { NavItem } from "./http/nav.ts";
import type { PageCache } from "./http/page-cache.ts";
import type { Scheduler } from "./jobs/scheduler.ts";
import type { Logger } from "./log.ts";
import type { Mailer } from "./mail/mailer.ts";
import type { Metrics } from "./ops/metrics.ts";
import type { DemoContributor } from "./org/demo.ts";
import type { OrgState } from "./org/org.ts";
import type { OutboundKicker, SignerRegistry } from "./outbound/delivery-run.ts";
import type { TeamMemberships } from "./people/team-cache.ts";
import type { PluginRuntime } from "./plugins/runtime.ts";
import type { TaskRunner } from "./tasks/tasks.ts";

/** Everything a request, job or command needs, built once at boot and injected. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Delivers outbox mail; `null` when no SMTP is configured (the outbox is the mailbox). */
  mailer: Mailer | null;
  routes: RouteRegistry;
  nav: NavItem[];
  cards: DashboardCard[];
  metrics: Metrics;
  demo: DemoContributor[];
  org: OrgState;
  plugins: PluginRuntime;
  scheduler: Scheduler;
  events: EventBus;
  /** Long work started from a page, run in the background with visible progress. */
  tasks: TaskRunner;
  /** Announces rarely-changing state (plugins, organization, teams) to every instance, which reloads it. */
  changes: Changes;
  /** Rendered pages kept until what they read changes (see page-cache.ts). */
  pages: PageCache;
  /** The teams each person belongs to, kept between requests (see team-cache.ts). */
  memberships: TeamMemberships;
  /** Finishes outbound HTTP deliveries of each kind at send time (webhook signatures, secret URLs). */
  outboundSigners: SignerRegistry;
  /** Asks for an outbound delivery run soon (after queuing), rather than at the job's next minute. */
  outboundKick: OutboundKicker;
}
