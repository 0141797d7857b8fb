import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { assetList } from "../views/assets.ts";
import { apiDocRoutes } from "./api/routes.tsx";
import { apiTokenRoutes } from "./auth/api-token-routes.tsx";
import { inviteRoutes } from "./auth/invite-routes.tsx";
import { loadViewer } from "./auth/middleware.ts";
import { ssoAdminRoutes } from "./auth/oidc/admin-routes.tsx";
import { ssoRoutes } from "./auth/oidc/routes.tsx";
import { resetRoutes } from "./auth/reset-routes.tsx";
import { authRoutes } from "./auth/routes.tsx";
import { twoFactorAdminRoutes } from "./auth/totp/admin-routes.ts";
import { twoFactorProfileRoutes } from "./auth/totp/profile-routes.tsx";
import { twoFactorSignInRoutes } from "./auth/totp/sign-in-routes.tsx";
import { registerBackupMetrics } from "./backup/job.ts";
import { backupRoutes } from "./backup/routes.tsx";
import type { AppContext } from "./context.ts";
import { databaseUnavailable } from "./db/errors.ts";
import { digestRoutes } from "./digest/routes.tsx";
import { declareRoutes } from "./http/access.ts";
import type { AppEnv } from "./http/env.ts";
import { renderError } from "./http/error-page.tsx";
import { HttpError } from "./http/errors.ts";
import { navBadges } from "./http/nav-badges.ts";
import { originCheck, secureHeaders } from "./http/security.ts";
import { wellFormedText } from "./http/well-formed-text.ts";
import { jobAdminRoutes } from "./jobs/admin-routes.tsx";
import { mailRoutes } from "./mail/routes.tsx";
import { notificationPreferenceRoutes } from "./notifications/preference-routes.tsx";
import { notificationRoutes } from "./notifications/routes.tsx";
import { countQueries, type QueryTally, withQueryTally } from "./ops/query-count.ts";
import { opsRoutes } from "./ops/routes.ts";
import { auditRoutes } from "./org/audit-routes.tsx";
import { homeRoutes } from "./org/home.tsx";
import { setupRoutes } from "./org/setup.tsx";
import { mattermostCommandRoutes } from "./outbound/chat/mattermost-command.ts";
import { chatRoutes } from "./outbound/chat/routes.tsx";
import { deliveryRoutes } from "./outbound/delivery-routes.tsx";
import { webhookRoutes } from "./outbound/webhook-routes.tsx";
import { profileRoutes } from "./people/profile.tsx";
import { peopleRoutes } from "./people/routes.tsx";
import { teamRoutes } from "./people/team-routes.tsx";
import { pluginAdminRoutes } from "./plugins/admin-routes.tsx";
import { scimAdminRoutes } from "./scim/admin-routes.tsx";
import { scimRoutes } from "./scim/routes.ts";
import { slackAdminRoutes } from "./slack/admin-routes.tsx";
import { slackRoutes } from "./slack/routes.ts";
import { taskRoutes } from "./tasks/routes.tsx";

/** Largest request body core accepts (forms are small; uploads set their own limit). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Paths exempt from the Origin check. One-click unsubscribe (RFC 8058) is posted by mail
 * providers with no Origin and no session: its signed token is the credential. Chat services
 * post to `/integrations/…` the same way: Mattermost with its verified command token, Slack
 * with a request signature checked against the app's signing secret.
 */
export const CSRF_EXEMPT = /^\/(unsubscribe|integrations)\//;

// Paths that work before the organization exists.
const beforeSetup = /^\/(setup|assets\/|healthz|metrics|tasks\/)/;

/** Builds the Hono app: middleware, core routes, then plugin routes, then the error handler. */
export function buildApp(ctx: AppContext, extend?: (app: Hono<AppEnv>) => void): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Each request's log line says how many statements it sent; counted only when it is written.
  const logRequests = ctx.config.logLevel === "debug" || ctx.config.logLevel === "info";
  if (logRequests) countQueries(ctx.db);

  app.use(async function context(c, next) {
    c.set("app", ctx);
    const started = performance.now();
    const tally: QueryTally = { queries: 0 };
    let status = 500;
    try {
      await (logRequests ? withQueryTally(tally, next) : next());
      status = c.res.status;
    } catch (error) {
      // Errors thrown by middleware before routing are rendered by onError; count them here.
      status = error instanceof HttpError ? error.status : 500;
      throw error;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = c.req.routePath === "/*" || c.req.routePath === "*" ? "(unmatched)" : c.req.routePath;
      ctx.metrics.observeRequest(c.req.method, route, status, seconds);
      if (logRequests)
        ctx.logger.info("request", {
          method: c.req.method,
          path: c.req.path,
          route,
          status,
          ms: Math.round(seconds * 10_000) / 10,
          queries: tally.queries,
        });
    }
  });
  app.use(secureHeaders({ hsts: ctx.config.secureCookies }));

  for (const asset of assetList) {
    app.get(asset.path, (c) => {
      c.header("Cache-Control", "public, max-age=31536000, immutable");
      c.header("Content-Type", asset.type);
      return c.body(asset.body as Uint8Array<ArrayBuffer>);
    });
  }

  // One body-limit middleware per distinct limit: the default, and any an upload route declares.
  const limiters = new Map<number, MiddlewareHandler<AppEnv>>();
  app.use(function limitBody(c, next) {
    const max = ctx.routes.bodyLimitFor(c.req.method, c.req.path, MAX_BODY_BYTES);
    let limiter = limiters.get(max);
    if (!limiter) {
      limiter = bodyLimit({
        maxSize: max,
        onError: () => {
          throw new HttpError(413, `The request body is larger than ${formatBytes(max)}.`);
        },
      });
      limiters.set(max, limiter);
    }
    return limiter(c, next);
  });
  // Health checks never depend on a session: a cookie must not turn a probe into a 500.
  const viewer = loadViewer();
  app.use(function sessionUnlessProbe(c, next) {
    return c.req.path === "/healthz" ? next() : viewer(c, next);
  });
  app.use(async function requireSetup(c, next) {
    if (!beforeSetup.test(c.req.path) && !(await ctx.org.exists())) {
      if (c.req.path.startsWith("/api/")) throw new HttpError(503, "DeskTrust is not set up yet: open /setup.");
      return c.redirect("/setup", 303);
    }
    return next();
  });
  app.use(originCheck(new URL(ctx.config.baseUrl).origin, CSRF_EXEMPT));
  app.use(wellFormedText());
  app.use(navBadges());
  app.use(ctx.pages.middleware());

  const core = declareRoutes(app, ctx.routes, { owner: "core" });
  opsRoutes(core);
  setupRoutes(core);
  authRoutes(core);
  ssoRoutes(core);
  ssoAdminRoutes(core);
  twoFactorSignInRoutes(core);
  twoFactorProfileRoutes(core);
  twoFactorAdminRoutes(core);
  scimRoutes(core);
  scimAdminRoutes(core);
  inviteRoutes(core);
  resetRoutes(core);
  homeRoutes(core);
  profileRoutes(core);
  peopleRoutes(core);
  teamRoutes(core);
  // Core reading pages the page cache may keep (see page-cache.ts; plugins say so per route).
  for (const path of ["/", "/home/cards/:id", "/admin/people", "/teams", "/teams/:id"]) ctx.routes.keepRendered(path);
  mailRoutes(core);
  webhookRoutes(core);
  deliveryRoutes(core);
  chatRoutes(core);
  mattermostCommandRoutes(core);
  digestRoutes(core);
  notificationPreferenceRoutes(core);
  notificationRoutes(core);
  apiTokenRoutes(core);
  apiDocRoutes(core);
  auditRoutes(core);
  pluginAdminRoutes(core);
  jobAdminRoutes(core);
  taskRoutes(core);
  backupRoutes(core);
  slackRoutes(core);
  slackAdminRoutes(core);
  registerBackupMetrics(ctx);
  extend?.(app);

  app.notFound((c) => renderError(c, new HttpError(404, `There is no page at ${c.req.path}.`)));
  app.onError((error, c) => {
    if (error instanceof HttpError) {
      if (error.status === 401 && !c.req.path.startsWith("/api/")) {
        const next = encodeURIComponent(c.req.path);
        if (c.req.header("HX-Request") === "true") {
          c.header("HX-Redirect", `/login?next=${next}`);
          return c.body(null, 401);
        }
        if (c.req.method === "GET") return c.redirect(`/login?next=${next}`, 303);
      }
      return renderError(c, error);
    }
    const down = databaseUnavailable(error);
    if (down) {
      ctx.logger.error("database unavailable", { method: c.req.method, path: c.req.path, cause: down });
      c.header("Retry-After", "5");
      return renderError(
        c,
        new HttpError(503, "The database cannot be reached right now. Please try again in a moment.", { cause: error }),
      );
    }
    ctx.logger.error("unhandled error", { method: c.req.method, path: c.req.path, error });
    return renderError(
      c,
      new HttpError(500, "Something went wrong on our side. It has been logged; please try again."),
    );
  });
  return app;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}
