import { eq } from "drizzle-orm";
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/index.ts";
import { unseal } from "../../org/sealed.ts";
import { ssoSettings } from "./schema.ts";

export type SsoSettings = typeof ssoSettings.$inferSelect;

/** What an install without a settings row behaves like: no SSO, passwords on, 2FA optional. */
export const defaultSsoSettings: SsoSettings = {
  id: 1,
  issuer: "",
  clientId: "",
  clientSecretSealed: "",
  buttonLabel: "Sign in with single sign-on",
  groupsClaim: "groups",
  roleMapping: [],
  teamMapping: [],
  jitAccounts: true,
  ssoOnly: false,
  breakGlassPersonId: null,
  requireTwoFactor: false,
  updatedAt: new Date(0),
};

/** The organization's sign-in settings (defaults until an admin saves the SSO page). */
export async function readSsoSettings(db: DbOrTx): Promise<SsoSettings> {
  const [row] = await db.select().from(ssoSettings).where(eq(ssoSettings.id, 1));
  return row ?? defaultSsoSettings;
}

/** How to reach the identity provider: from the environment when set there, else from the admin page. */
export interface OidcConnection {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  scopes: string;
  source: "environment" | "admin page";
}

export async function oidcConnection(ctx: AppContext, settings: SsoSettings): Promise<OidcConnection | null> {
  const env = ctx.config.oidc;
  if (env) return { ...env, source: "environment" };
  if (!settings.issuer || !settings.clientId) return null;
  const secret = settings.clientSecretSealed ? await unseal(ctx, settings.clientSecretSealed) : null;
  return {
    issuer: settings.issuer,
    clientId: settings.clientId,
    clientSecret: secret ?? undefined,
    scopes: "openid email profile",
    source: "admin page",
  };
}

/** Whether a password sign-in is allowed for this person under the organization's policy. */
export function passwordAllowed(settings: SsoSettings, personId: string): boolean {
  return !settings.ssoOnly || settings.breakGlassPersonId === personId;
}
