import type { Hono } from "hono";
import type { RouteRule } from "../http/access.ts";
import type { AppEnv, Viewer } from "../http/env.ts";
import type { Role } from "../people/schema.ts";

/** Everyone a route can be called by, from nobody to the highest role. */
export const viewerKinds = ["anonymous", "member", "manager", "admin", "owner"] as const;
export type ViewerKind = (typeof viewerKinds)[number];

/** A stand-in viewer of the given kind, for asking `allows()` what a route should do. */
export function viewerOf(kind: ViewerKind): Viewer | null {
  if (kind === "anonymous") return null;
  return {
    id: crypto.randomUUID(),
    email: `${kind}@example.com`,
    name: kind,
    role: kind satisfies Role,
    timeZone: "UTC",
  };
}

const mutatingMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isMutating(method: string): boolean {
  return mutatingMethods.has(method.toUpperCase());
}

/** True for a path with `:params` (or a wildcard) that a caller has to fill in. */
export function hasParams(path: string): boolean {
  return /[:*]/.test(path);
}

/**
 * A concrete path for a route pattern: every `:param` (with or without a `{regex}` or `?`)
 * becomes `value(name)`, a fresh UUID unless told otherwise.
 *
 * @example
 * concretePath("/teams/:id/members/:personId") // "/teams/6f1c…/members/0b9e…"
 */
export function concretePath(pattern: string, value: (name: string) => string = () => crypto.randomUUID()): string {
  return pattern
    .replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, (_match, name: string) => encodeURIComponent(value(name)))
    .replace(/\*/g, "anything");
}

export interface RegisteredRoute {
  method: string;
  path: string;
}

/**
 * Handlers registered on the Hono app that no access rule covers: a route added with
 * `app.get(…)` instead of `declareRoutes`. Middleware (`app.use`, method ALL on a wildcard)
 * and the static assets are not routes.
 */
export function undeclaredRoutes(app: Hono<AppEnv>, rules: readonly RouteRule[]): RegisteredRoute[] {
  const declared = new Set(rules.map((rule) => `${rule.method} ${rule.path}`));
  const seen = new Set<string>();
  const missing: RegisteredRoute[] = [];
  for (const route of app.routes) {
    const isMiddleware = route.method === "ALL" && (route.path === "*" || route.path.endsWith("/*"));
    if (isMiddleware || route.path.startsWith("/assets/")) continue;
    const key = `${route.method} ${route.path}`;
    if (declared.has(key) || seen.has(key)) continue;
    // A rule for GET also answers HEAD; a rule declared for ALL would name the method "ALL".
    if (route.method === "HEAD" && declared.has(`GET ${route.path}`)) continue;
    seen.add(key);
    missing.push({ method: route.method, path: route.path });
  }
  return missing;
}
