import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { SafeHtml } from "../../../views/html/escape.ts";
import type { Routes } from "../../http/access.ts";
import type { AppEnv } from "../../http/env.ts";
import { HttpError } from "../../http/errors.ts";
import { redirect } from "../../http/render.tsx";
import { signIn } from "../middleware.ts";
import { safeNext } from "../routes.tsx";
import { ATTEMPT_LIFETIME_MS, saveAttempt, takeAttempt } from "./attempts.ts";
import { authorizationUrl, exchangeCode } from "./client.ts";
import { ssoAccount } from "./provisioning.ts";
import { oidcConnection, readSsoSettings } from "./settings.ts";

/** Binds a started sign-in to this browser: the callback must come back with the same `state`. */
const STATE_COOKIE = "dt_sso_state";
const CALLBACK_PATH = "/login/sso/callback";

export function callbackUrl(c: Context<AppEnv>): string {
  return `${c.get("app").config.baseUrl}${CALLBACK_PATH}`;
}

/** The "Sign in with …" button for the login page, or nothing when single sign-on is not set up. */
export async function ssoSignInButton(c: Context<AppEnv>, next: string): Promise<SafeHtml | null> {
  const ctx = c.get("app");
  const settings = await readSsoSettings(ctx.db);
  if (!(await oidcConnection(ctx, settings))) return null;
  const href = next === "/" ? "/login/sso" : `/login/sso?next=${encodeURIComponent(next)}`;
  return (
    <div class="sso-sign-in">
      <p class="muted small">
        {settings.ssoOnly ? "Sign in with your company account." : "Or use your company account:"}
      </p>
      {/* A full navigation: the provider is another site, which an htmx request cannot follow. */}
      <a class="button" href={href} hx-boost="false">
        {settings.buttonLabel}
      </a>
    </div>
  );
}

function refused(message: string): HttpError {
  return new HttpError(400, `${message} Start again from the sign-in page.`);
}

export function ssoRoutes(r: Routes): void {
  r.get("/login/sso", "public", async (c) => {
    const ctx = c.get("app");
    const connection = await oidcConnection(ctx, await readSsoSettings(ctx.db));
    if (!connection) throw new HttpError(404, "Single sign-on is not set up on this DeskTrust.");
    const now = ctx.clock.now();
    let started: Awaited<ReturnType<typeof authorizationUrl>>;
    try {
      started = await authorizationUrl(connection, { redirectUri: callbackUrl(c), now });
    } catch (error) {
      ctx.logger.error("identity provider unreachable", { issuer: connection.issuer, error });
      throw new HttpError(503, "The identity provider could not be reached. Try again in a minute.");
    }
    await saveAttempt(ctx.db, started.secrets, safeNext(c.req.query("next")), now);
    setCookie(c, STATE_COOKIE, started.secrets.state, {
      path: "/login/sso",
      httpOnly: true,
      // Lax: the cookie comes back on the provider's top-level redirect to the callback.
      sameSite: "Lax",
      secure: ctx.config.secureCookies,
      maxAge: ATTEMPT_LIFETIME_MS / 1000,
    });
    return c.redirect(started.url.href, 303);
  });

  r.get(CALLBACK_PATH, "public", async (c) => {
    const ctx = c.get("app");
    const now = ctx.clock.now();
    const state = c.req.query("state") ?? "";
    const browserState = getCookie(c, STATE_COOKIE);
    deleteCookie(c, STATE_COOKIE, { path: "/login/sso" });
    const providerError = c.req.query("error");
    if (providerError) {
      throw new HttpError(403, `The identity provider refused the sign-in (${providerError.slice(0, 100)}).`);
    }
    // The state must be the one this browser started with, and unused: a link replayed from
    // another browser, or a second time, is refused.
    if (!state || !browserState || browserState !== state) throw refused("This sign-in did not start in this browser.");
    const attempt = await takeAttempt(ctx.db, state, now);
    if (!attempt) throw refused("This sign-in link was used already or has expired.");
    const settings = await readSsoSettings(ctx.db);
    const connection = await oidcConnection(ctx, settings);
    if (!connection) throw new HttpError(404, "Single sign-on is not set up on this DeskTrust.");
    const exchange = await exchangeCode(connection, {
      callbackUrl: new URL(`${callbackUrl(c)}?${new URL(c.req.url).searchParams}`),
      secrets: attempt.secrets,
      now,
    });
    if (!exchange.ok) {
      ctx.logger.warn("sso sign-in refused", { issuer: connection.issuer, reason: exchange.reason });
      throw refused("The identity provider's answer could not be verified.");
    }
    const account = await ssoAccount(ctx.db, { issuer: connection.issuer, claims: exchange.claims, settings, at: now });
    if (!account.ok) throw new HttpError(403, account.message);
    await signIn(c, account.person.id);
    ctx.logger.info("sso sign-in", { personId: account.person.id, outcome: account.outcome });
    return redirect(c, safeNext(attempt.next));
  });
}
