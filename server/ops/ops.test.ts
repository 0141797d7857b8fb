import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { buildApp } from "../app.ts";
import { type Booted, boot } from "../boot.ts";
import { loadConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { organization } from "../org/schema.ts";
import { freshDatabase } from "../testing/database.ts";

const ORIGIN = "http://localhost:3000";
const logLines: string[] = [];
let booted: Booted;
let app: Booted["app"];

beforeAll(async () => {
  const config = loadConfig({ BASE_URL: ORIGIN });
  if (!config.ok) throw new Error(config.error);
  booted = await boot({
    config: config.config,
    database: await freshDatabase(),
    logger: createLogger("info", {}, (line) => logLines.push(line)),
    mailer: null,
  });
  await booted.ctx.db.insert(organization).values({ id: 1, name: "Ops Org", defaultTimeZone: "UTC" });
  await booted.ctx.org.refresh();
  // The same app plus one route with a parameter, to see which label a request gets.
  app = buildApp(booted.ctx, (a) => a.get("/probe/:id", (c) => c.text(`probe ${c.req.param("id")}`)));
});
afterAll(() => booted.close());

const get = (path: string): Promise<Response> => Promise.resolve(app.request(`${ORIGIN}${path}`));

describe("/healthz", () => {
  it("answers 200 after a database round trip", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; db: string; dbMs: number };
    expect(body.status).toBe("ok");
    expect(body.db).toBe("ok");
    expect(body.dbMs).toBeGreaterThanOrEqual(0);
  });
});

describe("/metrics", () => {
  it("counts requests by route pattern, never by raw path", async () => {
    await get("/probe/3f0e6a9c-1111-4e0b-9b7e-000000000001");
    await get("/probe/3f0e6a9c-2222-4e0b-9b7e-000000000002");
    await get("/no/such/page/12345");
    const text = await (await get("/metrics")).text();
    expect(text).toContain('desktrust_http_requests_total{method="GET",route="/probe/:id",status="200"} 2');
    expect(text).toContain('desktrust_http_requests_total{method="GET",route="(unmatched)",status="404"} 1');
    expect(text).not.toContain("3f0e6a9c");
    expect(text).not.toContain("12345");
  });

  it("exposes a latency histogram, resident memory and the outbox depth in Prometheus text", async () => {
    const res = await get("/metrics");
    expect(res.headers.get("Content-Type")).toStartWith("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toContain("# TYPE desktrust_http_request_duration_seconds histogram");
    expect(text).toMatch(
      /^desktrust_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+$/m,
    );
    expect(text).toMatch(/^desktrust_http_request_duration_seconds_count\{method="GET",route="\/healthz"\} \d+$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toContain("# TYPE desktrust_mail_outbox_depth gauge");
    expect(text).toMatch(/^desktrust_mail_outbox_depth 0$/m);
  });

  it("keeps histogram buckets cumulative", async () => {
    const text = await (await get("/metrics")).text();
    const counts = [
      ...text.matchAll(
        /^desktrust_http_request_duration_seconds_bucket\{method="GET",route="\/probe\/:id",le="[^"]+"\} (\d+)$/gm,
      ),
    ].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThan(2);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(2);
  });
});

describe("request logs", () => {
  it("writes one JSON line per request with method, path, route, status and duration", async () => {
    logLines.length = 0;
    await get("/probe/abc");
    await get("/healthz");
    const requests = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === "request");
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      level: "info",
      method: "GET",
      path: "/probe/abc",
      route: "/probe/:id",
      status: 200,
    });
    expect(requests[1]).toMatchObject({ path: "/healthz", route: "/healthz", status: 200 });
    expect(typeof requests[0].ms).toBe("number");
    expect(Number.isNaN(Date.parse(requests[0].time))).toBe(false);
  });
});
