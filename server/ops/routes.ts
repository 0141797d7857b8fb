import { sql } from "drizzle-orm";
import { databaseUnavailable } from "../db/errors.ts";
import type { Routes } from "../http/access.ts";

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

  /** Prometheus text exposition. */
  r.get("/metrics", "public", async (c) => {
    c.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return c.body(await c.get("app").metrics.render());
  });
}
