import type * as Oidc from "openid-client";
import { onFirstUse } from "../../lazy.ts";
import type { OidcConnection } from "./settings.ts";

// Loaded with the first single sign-on, not at start (with oauth4webapi and jose, 200 KB).
const oidc = onFirstUse(() => require("openid-client") as typeof Oidc);

// The OpenID Connect relying party, done by openid-client (a certified implementation): discovery,
// PKCE, state and nonce checks, ID-token signature and claim validation, and JWKS fetching —
// an unknown `kid` makes it refetch the provider's keys, which is how key rotation is handled.

/** Provider metadata and signing keys, cached per issuer: a cache only, any instance can rebuild it. */
const metadataCache = new Map<string, Promise<Oidc.ServerMetadata>>();
const jwksCache = new Map<string, Oidc.ExportedJWKSCache>();

/** Plain http is accepted only for a provider on this machine (development and tests). */
export function isLocalIssuer(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

async function serverMetadata(connection: OidcConnection): Promise<Oidc.ServerMetadata> {
  let metadata = metadataCache.get(connection.issuer);
  if (!metadata) {
    metadata = oidc()
      .discovery(new URL(connection.issuer), connection.clientId, undefined, undefined, {
        ...(isLocalIssuer(connection.issuer) ? { execute: [oidc().allowInsecureRequests] } : {}),
        timeout: 10,
      })
      .then((config) => config.serverMetadata());
    metadataCache.set(connection.issuer, metadata);
    // A provider that was down is asked again next time.
    metadata.catch(() => metadataCache.delete(connection.issuer));
  }
  return metadata;
}

/**
 * A client configuration for one sign-in. `now` is the app's clock: ID-token `exp`, `iat` and
 * `nbf` are judged against it (openid-client takes it as a skew from the system clock).
 */
async function configuration(connection: OidcConnection, now: Date): Promise<Oidc.Configuration> {
  const metadata = await serverMetadata(connection);
  const config = new (oidc().Configuration)(
    metadata,
    connection.clientId,
    { [oidc().clockSkew]: Math.round((now.getTime() - Date.now()) / 1000) },
    connection.clientSecret ? oidc().ClientSecretPost(connection.clientSecret) : oidc().None(),
  );
  if (isLocalIssuer(connection.issuer)) oidc().allowInsecureRequests(config);
  // OpenID Connect lets a client skip the ID token's signature when it came straight from the
  // token endpoint over TLS; DeskTrust checks it anyway, so a token altered anywhere is refused.
  oidc().enableNonRepudiationChecks(config);
  const keys = jwksCache.get(connection.issuer);
  if (keys) oidc().setJwksCache(config, keys);
  return config;
}

/** The secrets one sign-in carries from the start to the callback. */
export interface SignInSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Where to send the browser: the provider's authorization endpoint with PKCE, state and nonce. */
export async function authorizationUrl(
  connection: OidcConnection,
  input: { redirectUri: string; now: Date },
): Promise<{ url: URL; secrets: SignInSecrets }> {
  const config = await configuration(connection, input.now);
  const secrets: SignInSecrets = {
    state: oidc().randomState(),
    nonce: oidc().randomNonce(),
    codeVerifier: oidc().randomPKCECodeVerifier(),
  };
  const url = oidc().buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: connection.scopes,
    response_type: "code",
    code_challenge: await oidc().calculatePKCECodeChallenge(secrets.codeVerifier),
    code_challenge_method: "S256",
    state: secrets.state,
    nonce: secrets.nonce,
  });
  return { url, secrets };
}

/** The validated ID-token claims DeskTrust uses. */
export type IdTokenClaims = Oidc.IDToken;

export type CodeExchange = { ok: true; claims: IdTokenClaims } | { ok: false; reason: string };

/**
 * Exchanges the authorization code and validates the ID token (signature, issuer, audience,
 * expiry, nonce). A refusal says why in words fit for the log, never for the browser.
 */
export async function exchangeCode(
  connection: OidcConnection,
  input: { callbackUrl: URL; secrets: SignInSecrets; now: Date },
): Promise<CodeExchange> {
  const config = await configuration(connection, input.now);
  try {
    const tokens = await oidc().authorizationCodeGrant(config, input.callbackUrl, {
      pkceCodeVerifier: input.secrets.codeVerifier,
      expectedState: input.secrets.state,
      expectedNonce: input.secrets.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) return { ok: false, reason: "no ID token in the token response" };
    return { ok: true, claims };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  } finally {
    const keys = oidc().getJwksCache(config);
    if (keys) jwksCache.set(connection.issuer, keys);
  }
}

/** The error and its causes in one line for the log (openid-client nests the useful part). */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}${"code" in current ? ` (${String(current.code)})` : ""}`);
      current = current.cause;
    } else {
      parts.push(JSON.stringify(current).slice(0, 300));
      break;
    }
  }
  return parts.join(" ← ");
}

/** Forgets cached provider metadata (after the admin page changes the issuer). */
export function forgetProvider(issuer: string): void {
  metadataCache.delete(issuer);
  jwksCache.delete(issuer);
}
