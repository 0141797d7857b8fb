import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { connect, createServer, type Server, type Socket } from "node:net";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase } from "../db/index.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";

// Postgres behind a TCP proxy the test can cut: while the database cannot be reached, requests
// answer 503 within seconds (never hang, never 500), /healthz ignores sessions, and service comes
// back by itself. Needs a Postgres server: TEST_DATABASE_URL, or the local one CI provides.
const serverUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A proxy to Postgres that can refuse new connections and drop open ones. */
function proxy(target: URL): { server: Server; port: () => number; cut(): void; restore(): void } {
  let open = true;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream).pipe(client);
  });
  return {
    server,
    port: () => (server.address() as { port: number }).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      open = true;
    },
  };
}

describe("a database outage", () => {
  let t: TestApp;
  let p: ReturnType<typeof proxy>;
  let dbName = "";
  beforeAll(async () => {
    dbName = `desktrust_outage_${Date.now().toString(36)}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${dbName}"`);
    await admin.end();
    const target = new URL(serverUrl);
    p = proxy(target);
    await new Promise<void>((ok) => p.server.listen(0, "127.0.0.1", () => ok()));
    const url = new URL(serverUrl);
    url.host = `127.0.0.1:${p.port()}`;
    url.pathname = `/${dbName}`;
    const database = await openDatabase({ url: url.toString(), maxConnections: 3, outerQueries: "throw" });
    t = await testApp({ database });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    p?.server.close();
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  });

  it("answers 503 with a clear page within seconds, keeps /healthz session-free, and recovers by itself", async () => {
    const member = await t.signedIn("member");
    expect((await member.get("/")).status).toBe(200);
    expect((await member.get("/healthz")).status).toBe(200);

    p.cut();
    const started = performance.now();
    const page = await member.get("/");
    const seconds = (performance.now() - started) / 1000;
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("The database cannot be reached right now");
    expect(page.headers.get("Retry-After")).toBe("5");
    // Fail fast: bounded by the connect timeout, not by a 30 s pool wait.
    expect(seconds).toBeLessThan(15);
    const health = await member.get("/healthz");
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "error", db: "unreachable" });

    p.restore();
    let recovered = 0;
    for (let i = 0; i < 50 && recovered !== 200; i++) {
      recovered = (await member.get("/")).status;
      if (recovered !== 200) await Bun.sleep(200);
    }
    expect(recovered).toBe(200);
    expect((await t.ctx.db.execute(sql`select 1 as one`)) as unknown[]).toHaveLength(1);
  }, 120_000);
});
