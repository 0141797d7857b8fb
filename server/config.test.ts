import { describe, expect, it } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "./config.ts";

const root = join(import.meta.dir, "..");

describe("loadConfig", () => {
  it("starts on port 3000 with PGlite in ./data when nothing is set", () => {
    const result = loadConfig({});
    expect(result).toEqual({
      ok: true,
      config: {
        port: 3000,
        host: "0.0.0.0",
        baseUrl: "http://localhost:3000",
        secureCookies: false,
        databaseUrl: undefined,
        dataDir: "./data",
        pgliteCacheMb: 16,
        smtpUrl: undefined,
        mailFrom: "DeskTrust <desktrust@localhost>",
        plugins: "*",
        logLevel: "info",
        trustProxy: false,
        secretKey: undefined,
        settingsCacheMs: 5000,
        pageCacheBytes: 32 * 1024 * 1024,
        backup: { dir: join("./data", "backups"), schedule: "30 2 * * *", keep: 7, format: "auto", s3: null },
        metricsToken: undefined,
      },
    });
  });

  it("reads the backup schedule, rotation and S3 target", () => {
    const result = loadConfig({
      BACKUP_SCHEDULE: "off",
      BACKUP_KEEP: "14",
      BACKUP_S3_URL: "s3://desk-backups/nightly/",
      BACKUP_S3_ENDPOINT: "http://127.0.0.1:9000",
    });
    if (!result.ok) throw new Error(result.error);
    expect(result.config.backup.schedule).toBeNull();
    expect(result.config.backup.keep).toBe(14);
    expect(result.config.backup.s3).toMatchObject({ bucket: "desk-backups", prefix: "nightly", region: "us-east-1" });
  });

  it("treats empty variables as unset", () => {
    const result = loadConfig({ PORT: "", DATABASE_URL: "", LOG_LEVEL: "" });
    expect(result.ok && result.config.port).toBe(3000);
    expect(result.ok && result.config.databaseUrl).toBeUndefined();
  });

  it("derives secure cookies from an https BASE_URL and drops its trailing slash", () => {
    const result = loadConfig({ BASE_URL: "https://desk.example.com/", PLUGINS: "sla, activity" });
    if (!result.ok) throw new Error(result.error);
    expect(result.config.baseUrl).toBe("https://desk.example.com");
    expect(result.config.secureCookies).toBe(true);
    expect(result.config.plugins).toEqual(["sla", "activity"]);
  });

  const bad: [string, string, RegExp][] = [
    ["PORT", "abc", /port number from 0 to 65535/],
    ["PORT", "70000", /port number from 0 to 65535/],
    ["DATABASE_URL", "mysql://x", /postgres:\/\/ or postgresql:\/\//],
    ["SMTP_URL", "http://x", /smtp:\/\/ or smtps:\/\//],
    ["LOG_LEVEL", "loud", /one of debug, info, warn, error, silent/],
    ["BASE_URL", "notaurl", /http:\/\/ or https:\/\/ URL/],
    ["TRUST_PROXY", "maybe", /true or false/],
    ["BACKUP_SCHEDULE", "every night", /cron expression/],
    ["BACKUP_KEEP", "0", /whole number of backups to keep/],
    ["BACKUP_FORMAT", "zip", /auto or logical/],
    ["BACKUP_S3_URL", "https://bucket", /s3:\/\/bucket\/prefix/],
    ["PGLITE_CACHE_MB", "0", /whole number of megabytes from 1 to 1024/],
    ["PGLITE_CACHE_MB", "2048", /whole number of megabytes from 1 to 1024/],
    ["PGLITE_CACHE_MB", "12.5", /whole number of megabytes from 1 to 1024/],
    ["PGLITE_CACHE_MB", "lots", /whole number of megabytes from 1 to 1024/],
  ];
  for (const [name, value, expected] of bad) {
    it(`rejects ${name}=${value} with one line naming ${name} and what is expected`, () => {
      const result = loadConfig({ [name]: value });
      if (result.ok) throw new Error("accepted a bad value");
      expect(result.error).not.toContain("\n");
      expect(result.error).toStartWith(`Invalid ${name}=`);
      expect(result.error).toMatch(/: expected /);
      expect(result.error).toMatch(expected);
    });
  }

  it("never echoes a secret key or a password inside a URL", () => {
    const key = loadConfig({ SECRET_KEY: "too-short-secret" });
    expect(!key.ok && key.error).toBe("Invalid SECRET_KEY: expected at least 32 characters");
    const url = loadConfig({ DATABASE_URL: "mysql://app:hunter2@db/desk" });
    expect(!url.ok && url.error).toContain("mysql://app:***@db/desk");
    expect(!url.ok && url.error).not.toContain("hunter2");
  });
});

describe("booting with a bad variable", () => {
  it("exits non-zero with exactly one line on stderr naming the variable", async () => {
    const env: Record<string, string | undefined> = { ...process.env, PORT: "abc" };
    delete env.DATABASE_URL;
    const child = Bun.spawn([process.execPath, "server/main.ts"], { cwd: root, env, stdout: "pipe", stderr: "pipe" });
    const [code, stderr, stdout] = await Promise.all([
      child.exited,
      new Response(child.stderr).text(),
      new Response(child.stdout).text(),
    ]);
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("PORT");
    expect(lines[0]).toContain("port number from 0 to 65535");
  });

  it("reads single sign-on from OIDC_* and refuses an issuer without a client id", () => {
    const missing = loadConfig({ OIDC_ISSUER: "https://login.example.com" });
    expect(!missing.ok && missing.error).toStartWith("Invalid OIDC_CLIENT_ID: expected the client id");
    const bad = loadConfig({ OIDC_ISSUER: "login.example.com", OIDC_CLIENT_ID: "x" });
    expect(!bad.ok && bad.error).toStartWith('Invalid OIDC_ISSUER="login.example.com"');
    const secret = loadConfig({
      OIDC_ISSUER: "https://login.example.com",
      OIDC_CLIENT_ID: "x",
      OIDC_CLIENT_SECRET: "s3cret",
      OIDC_SCOPES: "profile",
    });
    expect(!secret.ok && secret.error).toStartWith("Invalid OIDC_SCOPES");
    const ok = loadConfig({
      OIDC_ISSUER: "https://login.example.com",
      OIDC_CLIENT_ID: "desk",
      OIDC_CLIENT_SECRET: "s3cret",
    });
    expect(ok.ok && ok.config.oidc).toEqual({
      issuer: "https://login.example.com",
      clientId: "desk",
      clientSecret: "s3cret",
      scopes: "openid email profile",
    });
  });

  it("reads the Slack app from SLACK_*, needs both its token and secret, and never echoes them", () => {
    expect(loadConfig({}).ok && (loadConfig({}) as { config: { slack?: unknown } }).config.slack).toBeUndefined();
    const half = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1-2-abc" });
    expect(!half.ok && half.error).toStartWith("Invalid SLACK_SIGNING_SECRET: expected it to be set too");
    const bad = loadConfig({ SLACK_BOT_TOKEN: "not-a-token", SLACK_SIGNING_SECRET: "0123456789abcdef0" });
    expect(!bad.ok && bad.error).toBe("Invalid SLACK_BOT_TOKEN: expected a Slack bot token starting with xoxb-");
    const ok = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-1-2-abc",
      SLACK_SIGNING_SECRET: "0123456789abcdef0",
      SLACK_API_URL: "http://127.0.0.1:9999/api/",
    });
    expect(ok.ok && ok.config.slack).toEqual({
      botToken: "xoxb-1-2-abc",
      signingSecret: "0123456789abcdef0",
      apiUrl: "http://127.0.0.1:9999/api",
    });
  });
});
