import { afterAll, describe, expect, it } from "bun:test";
import { TEST_ORIGIN, testApp } from "../testing/test-app.ts";

// /metrics is for the scraper: a bearer token when METRICS_TOKEN is set, else this machine only.

const TOKEN = "scrape-me-0123456789abcdef";
const open = await testApp({ setup: true });
const guarded = await testApp({ env: { METRICS_TOKEN: TOKEN } });
afterAll(async () => {
  await open.close();
  await guarded.close();
});

/** A request as Bun.serve hands it over, from `address`. */
function from(t: typeof open, address: string, headers: Record<string, string> = {}) {
  const server = { requestIP: () => ({ address, family: address.includes(":") ? "IPv6" : "IPv4", port: 50000 }) };
  return t.app.request(`${TEST_ORIGIN}/metrics`, { headers }, server);
}

describe("/metrics without METRICS_TOKEN", () => {
  it("answers the machine itself", async () => {
    expect((await from(open, "127.0.0.1")).status).toBe(200);
    expect((await from(open, "::1")).status).toBe(200);
  });

  it("refuses any other address, and a loopback request a proxy forwarded", async () => {
    const remote = await from(open, "203.0.113.4");
    expect(remote.status).toBe(401);
    expect(await remote.text()).not.toContain("desktrust_http_requests_total");
    expect((await from(open, "10.0.0.8")).status).toBe(401);
    expect((await from(open, "127.0.0.1", { "X-Forwarded-For": "203.0.113.4" })).status).toBe(401);
  });
});

describe("/metrics with METRICS_TOKEN", () => {
  it("answers the right bearer token from anywhere", async () => {
    const res = await from(guarded, "203.0.113.4", { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("desktrust_http_requests_total");
  });

  it("refuses a missing or wrong token, even from the machine itself", async () => {
    expect((await from(guarded, "203.0.113.4")).status).toBe(401);
    expect((await from(guarded, "127.0.0.1", { Authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await from(guarded, "127.0.0.1")).status).toBe(401);
  });
});
