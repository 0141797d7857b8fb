import { join } from "node:path";
import { Cron } from "croner";
import { z } from "zod";
import { DEFAULT_PGLITE_CACHE_MB } from "./db/pglite-thread.ts";

const logLevels = ["debug", "info", "warn", "error", "silent"] as const;

const port = "a port number from 0 to 65535";
const pgliteCache = "a whole number of megabytes from 1 to 1024";

const schema = z.object({
  PORT: z.coerce.number(port).int(port).min(0, port).max(65535, port).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  BASE_URL: z
    .url({ protocol: /^https?$/, error: "an http:// or https:// URL, e.g. https://desk.example.com" })
    .optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "a postgres:// or postgresql:// connection URL")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  PGLITE_CACHE_MB: z.coerce
    .number(pgliteCache)
    .int(pgliteCache)
    .min(1, pgliteCache)
    .max(1024, pgliteCache)
    .default(DEFAULT_PGLITE_CACHE_MB),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587")
    .optional(),
  MAIL_FROM: z.string().min(3).default("DeskTrust <desktrust@localhost>"),
  PLUGINS: z.string().default("*"),
  LOG_LEVEL: z.enum(logLevels, `one of ${logLevels.join(", ")}`).default("info"),
  TRUST_PROXY: z.enum(["true", "false", "1", "0"], "true or false").default("false"),
  SECRET_KEY: z.string().min(32, "at least 32 characters").optional(),
  SETTINGS_CACHE_MS: z.coerce
    .number("a number of milliseconds")
    .int("a whole number of milliseconds")
    .min(0, "0 or more milliseconds")
    .default(5000),
  PAGE_CACHE_MB: z.coerce.number("a number of megabytes").min(0, "0 or more megabytes").default(32),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_SCHEDULE: z
    .string()
    .refine(isCronPattern, "a cron expression such as 30 2 * * * (daily at 02:30 UTC), or off")
    .default("30 2 * * *"),
  BACKUP_KEEP: z.coerce
    .number("a whole number of backups to keep, at least 1")
    .int("a whole number of backups to keep, at least 1")
    .min(1, "a whole number of backups to keep, at least 1")
    .default(7),
  BACKUP_FORMAT: z.enum(["auto", "logical"], "auto or logical").default("auto"),
  BACKUP_S3_URL: z.url({ protocol: /^s3$/, error: "an s3://bucket/prefix URL" }).optional(),
  BACKUP_S3_ENDPOINT: z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" }).optional(),
  BACKUP_S3_REGION: z.string().min(1).default("us-east-1"),
  BACKUP_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  BACKUP_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional(),
  OIDC_ISSUER: z
    .url({ protocol: /^https?$/, error: "the identity provider's issuer URL, e.g. https://login.example.com" })
    .optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_SCOPES: z
    .string()
    .regex(/(^|\s)openid(\s|$)/, "a space-separated scope list containing openid")
    .optional(),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xox[a-z]-/, "a Slack bot token starting with xoxb-")
    .optional(),
  SLACK_SIGNING_SECRET: z
    .string()
    .min(16, "the Slack app's signing secret (Basic Information → App Credentials)")
    .optional(),
  SLACK_API_URL: z
    .url({ protocol: /^https?$/, error: "an http:// or https:// URL, e.g. https://slack.com/api" })
    .default("https://slack.com/api"),
});

function isCronPattern(value: string): boolean {
  if (value === "off") return true;
  try {
    new Cron(value, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

export type LogLevel = (typeof logLevels)[number];

export interface Config {
  port: number;
  host: string;
  baseUrl: string;
  secureCookies: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
  /** The embedded database's page cache (`shared_buffers`), in megabytes. */
  pgliteCacheMb: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** `"*"` for every plugin, else the ids to enable. */
  plugins: "*" | string[];
  logLevel: LogLevel;
  /** Believe X-Forwarded-For (only behind a reverse proxy that sets it). */
  trustProxy: boolean;
  /** Signs unsubscribe links and encrypts stored secrets; generated into DATA_DIR when unset. */
  secretKey: string | undefined;
  /** How long plugin toggles and settings are cached before re-reading (0 = every use). */
  settingsCacheMs: number;
  /** Memory for rendered pages kept until what they read changes (server/http/page-cache.ts); 0 = off. */
  pageCacheBytes: number;
  /** Bearer token Prometheus sends to `/metrics`; unset, `/metrics` answers loopback only. */
  metricsToken: string | undefined;
  backup: BackupConfig;
  /** Single sign-on set by the environment; it wins over the admin page's connection settings. */
  oidc?: OidcEnvConfig | undefined;
  /** The Slack app, when both its bot token and signing secret are set. */
  slack?: SlackConfig | undefined;
}

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  /** Where Web API calls go (`https://slack.com/api`); tests point it at a local receiver. */
  apiUrl: string;
}

export interface BackupConfig {
  /** Where backups are written; default `DATA_DIR/backups`. */
  dir: string;
  /** Cron expression (UTC) of the scheduled backup, or `null` when switched off. */
  schedule: string | null;
  /** How many finished backups to keep on disk. */
  keep: number;
  /** `auto`: pg_dump on Postgres when a compatible one is on PATH; `logical` always uses the built-in export. */
  format: "auto" | "logical";
  /** Optional S3-compatible copy of every backup. */
  s3: BackupS3Config | null;
}

export interface BackupS3Config {
  bucket: string;
  /** Key prefix, without leading or trailing slash ("" for the bucket root). */
  prefix: string;
  endpoint: string | undefined;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
}

export interface OidcEnvConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  scopes: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string };

/**
 * Reads and validates configuration from environment variables. On a bad value the error
 * is one line naming the variable and what is expected.
 */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  // An empty variable means "not set", as in most twelve-factor apps.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    const received = shown(name, cleaned[name]);
    return {
      ok: false,
      error: `Invalid ${name}${received === undefined ? "" : `=${JSON.stringify(received)}`}: expected ${describe(issue?.message ?? "a valid value")}`,
    };
  }
  const e = parsed.data;
  if (Boolean(e.SLACK_BOT_TOKEN) !== Boolean(e.SLACK_SIGNING_SECRET)) {
    const missing = e.SLACK_BOT_TOKEN ? "SLACK_SIGNING_SECRET" : "SLACK_BOT_TOKEN";
    return {
      ok: false,
      error: `Invalid ${missing}: expected it to be set too: the Slack app needs both its bot token and its signing secret`,
    };
  }
  if (e.OIDC_ISSUER && !e.OIDC_CLIENT_ID) {
    return {
      ok: false,
      error: "Invalid OIDC_CLIENT_ID: expected the client id registered at the provider when OIDC_ISSUER is set",
    };
  }
  const baseUrl = (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  return {
    ok: true,
    config: {
      port: e.PORT,
      host: e.HOST,
      baseUrl,
      secureCookies: baseUrl.startsWith("https://"),
      databaseUrl: e.DATABASE_URL,
      dataDir: e.DATA_DIR,
      pgliteCacheMb: e.PGLITE_CACHE_MB,
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      plugins:
        e.PLUGINS.trim() === "*"
          ? "*"
          : e.PLUGINS.split(",")
              .map((s) => s.trim())
              .filter(Boolean),
      logLevel: e.LOG_LEVEL,
      trustProxy: e.TRUST_PROXY === "true" || e.TRUST_PROXY === "1",
      secretKey: e.SECRET_KEY,
      settingsCacheMs: e.SETTINGS_CACHE_MS,
      pageCacheBytes: Math.round(e.PAGE_CACHE_MB * 1024 * 1024),
      backup: {
        dir: e.BACKUP_DIR ?? join(e.DATA_DIR, "backups"),
        schedule: e.BACKUP_SCHEDULE === "off" ? null : e.BACKUP_SCHEDULE,
        keep: e.BACKUP_KEEP,
        format: e.BACKUP_FORMAT,
        s3: e.BACKUP_S3_URL ? s3Config(e.BACKUP_S3_URL, e) : null,
      },
      metricsToken: e.METRICS_TOKEN,
      oidc:
        e.OIDC_ISSUER && e.OIDC_CLIENT_ID
          ? {
              issuer: e.OIDC_ISSUER,
              clientId: e.OIDC_CLIENT_ID,
              clientSecret: e.OIDC_CLIENT_SECRET,
              scopes: e.OIDC_SCOPES ?? "openid email profile",
            }
          : undefined,
      slack:
        e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET
          ? {
              botToken: e.SLACK_BOT_TOKEN,
              signingSecret: e.SLACK_SIGNING_SECRET,
              apiUrl: e.SLACK_API_URL.replace(/\/+$/, ""),
            }
          : undefined,
    },
  };
}

function s3Config(url: string, e: z.infer<typeof schema>): BackupS3Config {
  const parsed = new URL(url);
  return {
    bucket: parsed.hostname,
    prefix: parsed.pathname.replace(/^\/+|\/+$/g, ""),
    endpoint: e.BACKUP_S3_ENDPOINT,
    region: e.BACKUP_S3_REGION,
    accessKeyId: e.BACKUP_S3_ACCESS_KEY_ID,
    secretAccessKey: e.BACKUP_S3_SECRET_ACCESS_KEY,
  };
}

/** The value to echo in an error line: never a secret key, and URLs without their password. */
function shown(name: string, value: string | undefined): string | undefined {
  if (
    value === undefined ||
    name === "SECRET_KEY" ||
    name === "BACKUP_S3_SECRET_ACCESS_KEY" ||
    name === "METRICS_TOKEN" ||
    name === "OIDC_CLIENT_SECRET" ||
    name === "SLACK_BOT_TOKEN" ||
    name === "SLACK_SIGNING_SECRET"
  )
    return undefined;
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

function describe(message: string): string {
  // zod's messages read "Invalid input: expected number, received NaN"; keep the useful half.
  return message.replace(/^Invalid (input|option|URL)?:?\s*/i, "").replace(/^expected /, "") || "a valid value";
}
