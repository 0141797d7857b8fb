import { afterAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { testApp } from "../../server/testing/test-app.ts";
import { allowedFeedHosts, feedTarget } from "./feed-address.ts";
import { FEED_UNREACHABLE, type FeedLimits, fetchFeed } from "./feeds.ts";
import { calendarSources } from "./schema.ts";

// Feed URLs are typed by any member, so the server must not become their way into its own
// network: internal addresses are refused before connecting, the connection goes to the very
// address that was checked, every redirect is checked again, and every failure reads the same.

const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n";
const hits: { path: string; host: string | null }[] = [];
const server: ReturnType<typeof Bun.serve> = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req): Response {
    const url = new URL(req.url);
    hits.push({ path: url.pathname, host: req.headers.get("host") });
    if (url.pathname === "/to-internal")
      return new Response(null, { status: 302, headers: { Location: `http://internal.test:${server.port}/secret` } });
    if (url.pathname === "/to-loopback")
      return new Response(null, { status: 302, headers: { Location: `http://2130706433:${server.port}/secret` } });
    if (url.pathname === "/broken") return new Response("Postgres says hi", { status: 500 });
    return new Response(ics, { headers: { "Content-Type": "text/calendar" } });
  },
});
const t = await testApp({ plugins: ["calendar-audit"] });
afterAll(async () => {
  server.stop(true);
  await t.close();
});
const port = server.port;

/** A resolver standing in for DNS: names of our choosing, counted. */
function fakeDns(records: Record<string, string[]>): { resolve: (host: string) => Promise<string[]>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolve: async (host) => {
      asked.push(host);
      const found = records[host];
      if (!found) throw new Error("ENOTFOUND");
      return found;
    },
  };
}

const limits = (allowed = "", resolve?: FeedLimits["resolve"]): FeedLimits => ({
  timeoutMs: 2000,
  maxBytes: 1_000_000,
  allowedHosts: allowedFeedHosts(allowed),
  ...(resolve ? { resolve } : {}),
});

describe("internal addresses are refused before any connection", () => {
  const internal = [
    `http://127.0.0.1:${port}/cal.ics`,
    `http://localhost:${port}/cal.ics`,
    `http://0x7f000001:${port}/cal.ics`,
    `http://2130706433:${port}/cal.ics`,
    `http://0177.0.0.1:${port}/cal.ics`,
    `http://[::1]:${port}/cal.ics`,
    `http://[::ffff:127.0.0.1]:${port}/cal.ics`,
    `http://[::ffff:7f00:1]:${port}/cal.ics`,
    "http://10.1.2.3/cal.ics",
    "http://172.16.0.5/cal.ics",
    "http://192.168.1.1/cal.ics",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/cal.ics",
    "http://[fd12:3456::1]/cal.ics",
    "http://[fe80::1]/cal.ics",
    "http://224.0.0.1/cal.ics",
    "http://[ff02::1]/cal.ics",
    "http://0.0.0.0/cal.ics",
    "http://[::]/cal.ics",
    `webcal://127.0.0.1:${port}/cal.ics`,
  ];
  for (const url of internal) {
    it(`refuses ${url}`, async () => {
      hits.length = 0;
      expect(await fetchFeed(url, limits())).toMatchObject({ ok: false, reason: FEED_UNREACHABLE });
      expect(hits).toEqual([]);
    });
  }

  it("refuses a name whose records mix a public and an internal address (no DNS rebinding)", async () => {
    const dns = fakeDns({ "mixed.test": ["8.8.8.8", "127.0.0.1"] });
    expect(await feedTarget(new URL("http://mixed.test/"), new Set(), dns.resolve)).toMatchObject({ ok: false });
  });

  it("lets public addresses through", async () => {
    const dns = fakeDns({ "calendar.example.com": ["8.8.8.8"] });
    expect(await feedTarget(new URL("https://calendar.example.com/c.ics"), new Set(), dns.resolve)).toEqual({
      ok: true,
      address: "8.8.8.8",
      family: 4,
    });
    expect((await feedTarget(new URL("http://[2606:4700::1111]/"), new Set())).ok).toBe(true);
  });
});

describe("an admin's allow-list of internal calendar hosts", () => {
  it("fetches from an allowed internal address", async () => {
    expect(await fetchFeed(`http://127.0.0.1:${port}/cal.ics`, limits("127.0.0.1"))).toEqual({ ok: true, text: ics });
  });

  it("connects to the address it checked, resolving the name once, and keeps the Host header", async () => {
    const dns = fakeDns({ "calendar.intranet.test": ["127.0.0.1"] });
    hits.length = 0;
    const res = await fetchFeed(
      `http://calendar.intranet.test:${port}/cal.ics`,
      limits("calendar.intranet.test", dns.resolve),
    );
    expect(res).toEqual({ ok: true, text: ics });
    expect(dns.asked).toEqual(["calendar.intranet.test"]);
    expect(hits).toEqual([{ path: "/cal.ics", host: `calendar.intranet.test:${port}` }]);
  });

  it("checks every redirect again: an allowed host cannot bounce the fetch to one that is not", async () => {
    const dns = fakeDns({ "calendar.intranet.test": ["127.0.0.1"], "internal.test": ["127.0.0.1"] });
    hits.length = 0;
    const viaName = await fetchFeed(
      `http://calendar.intranet.test:${port}/to-internal`,
      limits("calendar.intranet.test", dns.resolve),
    );
    expect(viaName).toMatchObject({ ok: false, reason: FEED_UNREACHABLE });
    const viaNumber = await fetchFeed(
      `http://calendar.intranet.test:${port}/to-loopback`,
      limits("calendar.intranet.test", dns.resolve),
    );
    expect(viaNumber).toMatchObject({ ok: false, reason: FEED_UNREACHABLE });
    expect(hits.map((h) => h.path)).toEqual(["/to-internal", "/to-loopback"]);
  });

  it("reads the same whether the address was refused, the port was closed or the server failed", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const closedPort = closed.port;
    closed.stop(true);
    const reasons = [
      await fetchFeed(`http://10.0.0.7:5432/cal.ics`, limits()),
      await fetchFeed(`http://127.0.0.1:${closedPort}/cal.ics`, limits("127.0.0.1")),
      await fetchFeed(`http://127.0.0.1:${port}/broken`, limits("127.0.0.1")),
    ].map((r) => (r.ok ? "ok" : r.reason));
    expect(reasons).toEqual([FEED_UNREACHABLE, FEED_UNREACHABLE, FEED_UNREACHABLE]);
  });

  it("is a plugin setting: the refresh job refuses a loopback feed, then fetches it once an admin allows the host", async () => {
    const member = await t.signedIn("member");
    const added = await member.post("/calendar-audit/feeds", {
      name: "Intranet",
      url: `http://127.0.0.1:${port}/cal.ics`,
      target: "me",
    });
    expect(added.status).toBe(303);
    const source = async () =>
      (await t.ctx.db.select().from(calendarSources).where(eq(calendarSources.name, "Intranet")))[0];
    expect([(await source())?.status, (await source())?.lastError]).toEqual(["failed", FEED_UNREACHABLE]);

    const admin = await t.signedIn("admin");
    const page = await (await admin.get("/admin/plugins/calendar-audit")).text();
    expect(page).toContain('name="feedAllowedHosts"');
    const fields = Object.fromEntries(
      [...page.matchAll(/name="([A-Za-z]+)"[^>]*?value="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]),
    );
    const saved = await admin.post("/admin/plugins/calendar-audit", { ...fields, feedAllowedHosts: "127.0.0.1" });
    expect(saved.status).toBeLessThan(400);
    await t.ctx.db
      .update(calendarSources)
      .set({ nextFetchAt: t.clock.now() })
      .where(eq(calendarSources.name, "Intranet"));
    await t.ctx.scheduler.runNow("calendar-audit.refresh-feeds");
    expect((await source())?.status).toBe("ok");
  });
});
