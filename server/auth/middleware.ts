import { and, eq, isNull } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/bun";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../http/env.ts";
import { HttpError } from "../http/errors.ts";
import { people } from "../people/schema.ts";
import { grantsAnyWrite } from "./api-scopes.ts";
import { apiTokens } from "./schema.ts";
import {
  createSession,
  invalidateSession,
  SESSION_COOKIE,
  SESSION_LIFETIME_MS,
  validateSessionToken,
} from "./session.ts";
import { hashToken } from "./tokens.ts";

/** Prefix of core API tokens, so they are recognisable in logs and secret scanners. */
export const API_TOKEN_PREFIX = "dtk_";

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure when served over https. */
export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: c.get("app").config.secureCookies,
    expires: expiresAt,
    maxAge: Math.floor(SESSION_LIFETIME_MS / 1000),
  });
}

/**
 * Signs a person in on this browser: a fresh session (an id planted before sign-in is never
 * promoted — no fixation), the previous session of this browser ended, the cookie set.
 */
export async function signIn(c: Context<AppEnv>, personId: string): Promise<void> {
  const ctx = c.get("app");
  const { token, session } = await createSession(ctx.db, personId, ctx.clock.now(), {
    userAgent: c.req.header("User-Agent") ?? "",
    ip: clientIp(c),
  });
  const previous = c.get("sessionId");
  if (previous) await invalidateSession(ctx.db, previous);
  setSessionCookie(c, token, session.expiresAt);
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  setCookie(c, SESSION_COOKIE, "", { path: "/", httpOnly: true, sameSite: "Lax", maxAge: 0 });
}

/** Resolves the viewer from the session cookie, or from a bearer API token under `/api`. */
export function loadViewer(): MiddlewareHandler<AppEnv> {
  return async function loadViewer(c, next) {
    c.set("viewer", null);
    c.set("sessionId", null);
    c.set("viaToken", false);
    c.set("tokenScopes", []);
    const app = c.get("app");
    const authorization = c.req.header("Authorization");
    const bearer = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : undefined;
    // Core API tokens carry the `dtk_` prefix; other bearer tokens (a plugin's device or webhook
    // tokens) are left to the routes that issued them.
    if (bearer?.startsWith(API_TOKEN_PREFIX) && c.req.path.startsWith("/api/")) {
      const token = bearer;
      const [row] = await app.db
        .select({
          id: people.id,
          email: people.email,
          name: people.name,
          role: people.role,
          timeZone: people.timeZone,
          scopes: apiTokens.scopes,
        })
        .from(apiTokens)
        .innerJoin(people, eq(people.id, apiTokens.personId))
        .where(
          and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt), eq(people.status, "active")),
        );
      if (!row) throw new HttpError(401, "Unknown or revoked API token.");
      const { scopes, ...viewer } = row;
      // Each route checks the scope it needs (server/http/access.ts); a token without any write
      // scope is turned away from every change here, with the plainer message.
      if (!grantsAnyWrite(scopes) && !["GET", "HEAD"].includes(c.req.method)) {
        throw new HttpError(403, "This API token is read-only.");
      }
      c.set("viewer", viewer);
      c.set("viaToken", true);
      c.set("tokenScopes", scopes);
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const result = await validateSessionToken(app.db, token, app.clock.now());
      if (result.session) {
        c.set("viewer", result.viewer);
        c.set("sessionId", result.session.id);
        c.set("unread", result.unread);
        if (result.renewed) setSessionCookie(c, token, result.session.expiresAt);
      }
    }
    return next();
  };
}

/** The client's address: the socket peer, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientIp(c: Context<AppEnv>): string {
  if (c.get("app").config.trustProxy) {
    const forwarded = c.req.header("X-Forwarded-For")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? "";
  } catch {
    return "";
  }
}
