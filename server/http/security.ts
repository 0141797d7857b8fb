import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";
import { HttpError } from "./errors.ts";

// Only our own origin may load scripts, styles, frames and form targets; no inline script or
// style anywhere (htmx's indicator styles are switched off in the layout for this reason).
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const defaults: [string, string][] = [
  ["Content-Security-Policy", contentSecurityPolicy],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
  ["Referrer-Policy", "same-origin"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Permissions-Policy", "camera=(), microphone=(), geolocation=()"],
];

/**
 * Sets the secure headers on every response, except where the route set its own: a route that
 * must be framed by our pages (the digest preview) or allow inline styles says so itself, and
 * its header wins.
 */
export function secureHeaders(options: { hsts: boolean }): MiddlewareHandler<AppEnv> {
  const headers = options.hsts
    ? [...defaults, ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"] as [string, string]]
    : defaults;
  return async function secureHeaders(c, next) {
    await next();
    // Set on the response itself: `c.header` after the response exists copies it per call.
    const own = c.res.headers;
    try {
      for (const [name, value] of headers) if (!own.has(name)) own.set(name, value);
    } catch {
      // A response with immutable headers (one passed through from fetch).
      for (const [name, value] of headers) if (!c.res.headers.has(name)) c.header(name, value);
    }
  };
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF protection by Origin check (https://owasp.org/www-community/attacks/csrf): a
 * state-changing request must come from a page of ours. Browsers send `Origin` on every
 * POST, fetch and htmx request; when it is absent we fall back to `Referer`. Requests
 * authenticated by an API token carry no ambient credential, so they are exempt.
 */
export function originCheck(allowedOrigin: string, exempt?: RegExp): MiddlewareHandler<AppEnv> {
  return async function originCheck(c, next) {
    if (safeMethods.has(c.req.method) || exempt?.test(c.req.path)) return next();
    if (c.req.header("Authorization")?.startsWith("Bearer ") && !c.req.header("Cookie")) return next();
    const requestOrigin = new URL(c.req.url).origin;
    const origin = c.req.header("Origin") ?? originOf(c.req.header("Referer"));
    if (origin !== allowedOrigin && origin !== requestOrigin) {
      throw new HttpError(403, "This request did not come from a DeskTrust page (cross-site request refused).");
    }
    return next();
  };
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
