import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import { databaseUnavailable } from "../db/errors.ts";
import type { Routes } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { isLocalRequest } from "../http/local-request.ts";

const HEALTH_TIMEOUT_MS = 4_000;

export function opsRoutes(r: Routes): void {
  /** Liveness and readiness in one: 200 only when a database round trip succeeds. */
  r.get("/healthz", "public", async (c) => {
    const started = performance.now();
    try {
      // A database that hangs answers "unreachable" within seconds, never holds the probe.
      await Promise.race([
        c.get("app").db.execute(sql`select 1`),
        Bun.sleep(HEALTH_TIMEOUT_MS).then(() => {
          throw Object.assign(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`), { code: "ETIMEDOUT" });
        }),
      ]);
      return c.json({ status: "ok", db: "ok", dbMs: Math.round((performance.now() - started) * 100) / 100 });
    } catch (error) {
      c.get("app").logger.error("health check failed", { cause: databaseUnavailable(error) ?? String(error) });
      return c.json({ status: "error", db: "unreachable" }, 503);
    }
  });

  /**
   * Prometheus text exposition, for the scraper only: with `METRICS_TOKEN` set, a request must
   * bring it as a bearer token; without, only this machine may ask. Declared public because the
   * handler does its own check (request labels, memory and queue depths are not for visitors).
   */
  r.get("/metrics", "public", async (c) => {
    if (!mayScrape(c)) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return c.text("Metrics need the METRICS_TOKEN bearer token (or a request from this machine).\n", 401);
    }
    c.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return c.body(await c.get("app").metrics.render());
  });
}

function mayScrape(c: Context<AppEnv>): boolean {
  const token = c.get("app").config.metricsToken;
  if (!token) return isLocalRequest(c);
  const given =
    c.req
      .header("Authorization")
      ?.match(/^Bearer\s+(.+)$/)?.[1]
      ?.trim() ?? "";
  const [a, b] = [new TextEncoder().encode(given), new TextEncoder().encode(token)];
  return a.length === b.length && constantTimeEqual(a, b);
}
