import { describe, expect, it } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "../config.ts";

const root = join(import.meta.dir, "..", "..");

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
}

const compose = Bun.YAML.parse(await Bun.file(join(root, "docker-compose.yml")).text()) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

/** What `docker compose` makes of `${NAME:-default}` when NAME is not set. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");
}

describe("docker-compose.yml", () => {
  it("runs the app, Postgres 16 and Mailpit", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["app", "mailpit", "postgres"]);
    expect(compose.services.postgres?.image).toBe("postgres:16");
    expect(compose.services.mailpit?.image).toStartWith("axllent/mailpit");
    expect(compose.services.mailpit?.ports).toContain("8025:8025");
    expect(compose.services.mailpit?.expose).toContain("1025");
  });

  it("keeps Postgres data in a named volume and checks its health", () => {
    const postgres = compose.services.postgres as Service;
    const [volume] = (postgres.volumes ?? [])[0]?.split(":") ?? [];
    expect(volume && volume in compose.volumes).toBe(true);
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain("pg_isready");
  });

  it("starts the app once its dependencies are healthy, with a configuration the app accepts", () => {
    const app = compose.services.app as Service;
    expect(app.depends_on).toEqual({
      postgres: { condition: "service_healthy" },
      mailpit: { condition: "service_healthy" },
    });
    const env = Object.fromEntries(Object.entries(app.environment ?? {}).map(([k, v]) => [k, withDefaults(String(v))]));
    expect(env.SMTP_URL).toBe("smtp://mailpit:1025");
    expect(env.DATABASE_URL).toStartWith("postgres://desktrust:");
    expect(env.DATABASE_URL).toEndWith("@postgres:5432/desktrust");
    const config = loadConfig(env);
    if (!config.ok) throw new Error(config.error);
    expect(config.config.baseUrl).toBe("http://localhost:3000");
    expect(config.config.mailFrom).toContain("@");
  });

  it("builds the app from the official Bun image and runs the server with exec-form CMD", async () => {
    const dockerfile = await Bun.file(join(root, "Dockerfile")).text();
    expect(dockerfile).toMatch(/^FROM oven\/bun:1\b/m);
    expect(dockerfile).toContain("--omit=dev");
    expect(dockerfile).toContain('CMD ["bun", "server/main.ts"]');
  });
});
