import type { Context, Handler, Hono, MiddlewareHandler } from "hono";
import type { EndpointDoc } from "../api/spec.ts";
import { tokenGrants } from "../auth/api-scopes.ts";
import type { Role } from "../people/schema.ts";
import type { AppEnv, Viewer } from "./env.ts";
import { HttpError } from "./errors.ts";

/**
 * Who may call a route. Every route declares one — the role × route matrix test fails on a
 * route without it.
 * - `public`: anyone, signed in or not (login, setup, health).
 * - `token`: machine clients only; the route checks its own bearer token (device tokens,
 *   webhook tokens) and answers 401 without one. A browser session grants nothing here.
 * - `signed-in`: any active person.
 * - a role: that role or a higher one (owner > admin > manager > member).
 */
export type Access = "public" | "signed-in" | "token" | Role;

const rank: Record<Role, number> = { member: 1, manager: 2, admin: 3, owner: 4 };

/** Whether `viewer` has the `needed` role or a higher one; false without a viewer. */
export function hasRole(viewer: Pick<Viewer, "role"> | null | undefined, needed: Role): boolean {
  return !!viewer && rank[viewer.role] >= rank[needed];
}

export function allows(access: Access, viewer: Viewer | null): boolean {
  if (access === "public" || access === "token") return true;
  if (!viewer) return false;
  if (access === "signed-in") return true;
  return hasRole(viewer, access);
}

export interface RouteRule {
  method: string;
  path: string;
  access: Access;
  owner: string;
  /** A larger request-body limit than the app's default (uploads). */
  maxBodyBytes?: number;
  /** A GET page the page cache may keep (server/http/page-cache.ts). */
  keepRendered?: boolean;
  /**
   * The API-token scope a call with a token needs; without one, `read` for GET and the legacy
   * `write` for changes.
   */
  scope?: string;
  /** A documented API endpoint: its schemas and summary, for the OpenAPI document. */
  endpoint?: EndpointDoc;
}

/** Every declared route, for the role matrix and the docs. */
export class RouteRegistry {
  readonly rules: RouteRule[] = [];
  private limits: { method: string; pattern: RegExp; max: number }[] | undefined;
  private patterns: { rule: RouteRule; pattern: RegExp }[] | undefined;
  private kept: RegExp[] | undefined;

  add(rule: RouteRule): void {
    this.rules.push(rule);
    this.limits = undefined;
    this.patterns = undefined;
    this.kept = undefined;
  }

  /** Lets the page cache keep a declared GET page. */
  keepRendered(path: string): void {
    const rule = this.rules.find((r) => r.method === "GET" && r.path === path);
    if (!rule) throw new Error(`No route GET ${path} to keep rendered.`);
    rule.keepRendered = true;
    this.kept = undefined;
  }

  /** Whether `path` is served by a GET page the page cache may keep. */
  keepsRendered(path: string): boolean {
    this.kept ??= this.rules.filter((r) => r.keepRendered).map((r) => routePattern(r.path));
    return this.kept.some((pattern) => pattern.test(path));
  }

  /** The access rule of the route that serves `method path` (the first declared match), or null. */
  accessFor(method: string, path: string): Access | null {
    this.patterns ??= this.rules.map((rule) => ({ rule, pattern: routePattern(rule.path) }));
    const bare = path.split(/[?#]/)[0] ?? path;
    return this.patterns.find((p) => p.rule.method === method && p.pattern.test(bare))?.rule.access ?? null;
  }

  /** Raises the body limit of a declared route (uploads). */
  setBodyLimit(method: string, path: string, maxBodyBytes: number): void {
    const rule = this.rules.find((r) => r.method === method && r.path === path);
    if (!rule) throw new Error(`No route ${method} ${path} to set a body limit on.`);
    rule.maxBodyBytes = maxBodyBytes;
    this.limits = undefined;
  }

  /** The body limit for a request: a route's own `maxBodyBytes`, else `fallback`. */
  bodyLimitFor(method: string, path: string, fallback: number): number {
    this.limits ??= this.rules
      .filter((r) => r.maxBodyBytes !== undefined)
      .map((r) => ({
        method: r.method,
        pattern: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[A-Za-z0-9_]+/g, "[^/]+")}/?$`),
        max: r.maxBodyBytes as number,
      }));
    return this.limits.find((l) => l.method === method && l.pattern.test(path))?.max ?? fallback;
  }
}

/** A route path (`/teams/:id{[0-9a-f-]+}/board`) as a regular expression over concrete paths. */
function routePattern(path: string): RegExp {
  const segments = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return new RegExp(`^${segments.join("/")}/?$`);
}

/**
 * Whether `viewer` may open the page at `path`: the same declared rule and the same check as the
 * guard on the route itself, so a link is shown exactly when following it would not be a 403.
 */
export function mayOpen(registry: RouteRegistry, viewer: Viewer | null, path: string): boolean {
  const access = registry.accessFor("GET", path);
  return access !== null && allows(access, viewer);
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

function requireAccess(access: Access, scope: string | undefined): MiddlewareHandler<AppEnv> {
  return async function requireAccess(c, next) {
    const viewer = c.get("viewer");
    // Token routes authenticate machine clients themselves: no session is needed (or enough).
    if (access !== "public" && access !== "token" && !viewer) throw unauthenticated(c);
    if (!allows(access, viewer)) throw new HttpError(403, "You do not have access to this page.");
    // An API token acts as its person, narrowed to its scopes; a session has every scope.
    if (c.get("viaToken")) {
      const needed = scope ?? (safeMethods.has(c.req.method) ? "read" : "write");
      if (!tokenGrants(c.get("tokenScopes"), needed))
        throw new HttpError(403, `This API token does not have the ${needed} scope.`);
    }
    await next();
  };
}

function unauthenticated(c: Context<AppEnv>): HttpError {
  return new HttpError(401, "Please sign in to continue.", { cause: { next: c.req.path } });
}

type Method = "get" | "post" | "put" | "patch" | "delete";

export type Routes = {
  [M in Method]: (path: string, access: Access, ...handlers: Handler<AppEnv>[]) => Routes;
} & { app: Hono<AppEnv> };

/**
 * Declares routes with their access rule. `prefix` is where `app` will be mounted, so the
 * registry knows each route's full path.
 *
 * @example
 * const r = declareRoutes(app, registry, { owner: "core" });
 * r.get("/admin/people", "admin", listPeople);
 */
export function declareRoutes(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  options: { prefix?: string; owner: string },
): Routes {
  const routes = { app } as Routes;
  for (const method of ["get", "post", "put", "patch", "delete"] as const) {
    routes[method] = (path, access, ...handlers) => {
      declareRoute(app, registry, options, { method, path, access }, ...handlers);
      return routes;
    };
  }
  return routes;
}

/**
 * Declares one route, optionally with the API-token scope it needs and its endpoint description
 * (see `declareRoutes`; API endpoints are declared through this).
 */
export function declareRoute(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  options: { prefix?: string; owner: string },
  route: { method: string; path: string; access: Access; scope?: string; endpoint?: EndpointDoc },
  ...handlers: Handler<AppEnv>[]
): void {
  const prefix = options.prefix ?? "";
  const method = route.method.toUpperCase();
  registry.add({
    method,
    path: prefix + (route.path === "/" && prefix ? "" : route.path),
    access: route.access,
    owner: options.owner,
    ...(route.scope ? { scope: route.scope } : {}),
    ...(route.endpoint ? { endpoint: route.endpoint } : {}),
  });
  app.on(method, route.path, requireAccess(route.access, route.scope), ...(handlers as [Handler<AppEnv>]));
}

/** The signed-in viewer; the route's access rule has already turned anonymous requests away. */
export function viewerOf(c: Context<AppEnv>): Viewer {
  return requireViewer({ viewer: c.get("viewer") });
}

/** The signed-in viewer of a plugin's request services, or a 401 (see `viewerOf`). */
export function requireViewer(s: { viewer?: Viewer | null | undefined }): Viewer {
  if (!s.viewer) throw new HttpError(401, "Please sign in to continue.");
  return s.viewer;
}
