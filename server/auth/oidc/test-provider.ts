import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

// A real OpenID provider for tests: `oidc-provider` (the certified Node implementation) on
// 127.0.0.1, with its development login and consent pages. Any login name signs in as the
// account of that name; `accounts` says what claims each one has.

export interface TestAccount {
  email: string;
  emailVerified?: boolean;
  name?: string;
  groups?: string[];
}

/** How the provider spoils the next ID tokens it hands out, to prove DeskTrust refuses them. */
export type IdTokenSpoiler = "none" | "tampered" | "expired";

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  spoil: IdTokenSpoiler;
  /** Starts signing with a fresh key (the old one is gone from the JWKS), as a provider rotating keys does. */
  rotateKey(): Promise<void>;
  close(): Promise<void>;
}

function rsaKey(): { jwk: Record<string, unknown>; key: KeyObject; kid: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = crypto.randomUUID();
  return { jwk: { ...privateKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" }, key: privateKey, kid };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

/** Re-signs a JWT's payload with `key` after `change`: a token the provider's own key vouches for. */
function resign(jwt: string, key: KeyObject, kid: string, change: (claims: Record<string, unknown>) => void): string {
  const claims = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
  change(claims);
  const head = `${base64url(JSON.stringify({ alg: "RS256", kid, typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  return `${head}.${base64url(sign("sha256", Buffer.from(head), key))}`;
}

function spoiled(idToken: string, how: IdTokenSpoiler, key: KeyObject, kid: string): string {
  if (how === "tampered") {
    // Same signature, different claims: someone edited the token on the way.
    const [header, payload, signature] = idToken.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
    claims.email = "intruder@example.com";
    return `${header}.${base64url(JSON.stringify(claims))}.${signature}`;
  }
  if (how === "expired") {
    return resign(idToken, key, kid, (claims) => {
      const now = Math.floor(Date.now() / 1000);
      claims.iat = now - 7200;
      claims.exp = now - 3600;
    });
  }
  return idToken;
}

export async function startTestProvider(options: { redirectUris: string[] }): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, TestAccount>();
  const clientId = "desktrust";
  const clientSecret = "a-test-client-secret-of-some-length";
  let signing = rsaKey();
  let server: Server | undefined;

  const build = (): Provider => {
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: options.redirectUris,
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_post",
        },
      ],
      jwks: { keys: [signing.jwk] },
      cookies: { keys: ["test-provider-cookie-key"] },
      ttl: { AccessToken: 3600, IdToken: 3600, Grant: 3600, Interaction: 3600, Session: 3600 },
      pkce: { required: () => true },
      // Put the profile claims in the ID token of the code flow, as Entra ID, Okta and Keycloak do.
      conformIdTokenClaims: false,
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
      findAccount: (_ctx, sub) => {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return {
          accountId: sub,
          claims: () => ({
            sub,
            email: account.email,
            email_verified: account.emailVerified ?? true,
            name: account.name ?? sub,
            groups: account.groups ?? [],
          }),
        };
      },
    });
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.path === "/token" && body?.id_token && state.spoil !== "none") {
        ctx.body = { ...body, id_token: spoiled(body.id_token, state.spoil, signing.key, signing.kid) };
      }
    });
    return provider;
  };

  const listen = async (): Promise<void> => {
    const provider = build();
    server = createServer(provider.callback());
    await new Promise<void>((resolve) => server?.listen(port, "127.0.0.1", resolve));
  };
  const stop = async (): Promise<void> => {
    const s = server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  const state: TestProvider = {
    issuer,
    clientId,
    clientSecret,
    accounts,
    spoil: "none",
    async rotateKey() {
      await stop();
      signing = rsaKey();
      await listen();
    },
    close: stop,
  };
  await listen();
  return state;
}
