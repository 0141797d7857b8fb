import type { Context } from "hono";
import { setCookie } from "hono/cookie";
import type { AppEnv } from "../http/env.ts";
import { redirect } from "../http/render.tsx";
import type { Person } from "../people/people.ts";
import { passwordAllowed, readSsoSettings } from "./oidc/settings.ts";
import { CHALLENGE_LIFETIME_MS, startChallenge } from "./totp/challenge.ts";
import { hasTwoFactor } from "./totp/two-factor.ts";

/** Holds a password sign-in that waits for its second factor. */
export const CHALLENGE_COOKIE = "dt_two_factor";
export const CHALLENGE_PATH = "/login/two-factor";

export type PasswordSignInStep =
  | { kind: "allowed" }
  | { kind: "refused"; message: string }
  | { kind: "second-factor"; response: Response };

/**
 * What happens after a correct password: refused in single-sign-on-only mode (except for the
 * break-glass owner), or on to the second factor when the person has one or the organization
 * requires one (then they set it up before they are signed in).
 */
export async function afterPassword(c: Context<AppEnv>, person: Person, next: string): Promise<PasswordSignInStep> {
  const ctx = c.get("app");
  const settings = await readSsoSettings(ctx.db);
  if (!passwordAllowed(settings, person.id)) {
    return {
      kind: "refused",
      message: "This organization signs in with its identity provider only. Use the single sign-on button.",
    };
  }
  if (!settings.requireTwoFactor && !(await hasTwoFactor(ctx.db, person.id))) return { kind: "allowed" };
  const token = await startChallenge(ctx.db, { personId: person.id, next, now: ctx.clock.now() });
  setCookie(c, CHALLENGE_COOKIE, token, {
    path: CHALLENGE_PATH,
    httpOnly: true,
    sameSite: "Lax",
    secure: ctx.config.secureCookies,
    maxAge: CHALLENGE_LIFETIME_MS / 1000,
  });
  return { kind: "second-factor", response: redirect(c, CHALLENGE_PATH) };
}
