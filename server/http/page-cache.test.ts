import { afterAll, describe, expect, it } from "bun:test";
import { count, eq } from "drizzle-orm";
import { updates } from "../../plugins/status-updates/schema.ts";
import { openDatabase } from "../db/index.ts";
import { changesData } from "../db/statements.ts";
import { auditLog } from "../org/schema.ts";
import { people, teamMembers, teams } from "../people/schema.ts";
import { freshDatabase } from "../testing/database.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { within } from "../testing/wait.ts";
import { acceptsGzip } from "./page-cache.ts";

const open: TestApp[] = [];
afterAll(async () => {
  // The second instance first: on the embedded database both share one engine.
  for (const app of open.reverse()) await app.close();
});

async function teamOf(t: TestApp, personIds: string[]): Promise<string> {
  const [row] = await t.ctx.db
    .insert(teams)
    .values({ name: `Team ${Math.random().toString(36).slice(2, 8)}`, timeZone: "UTC" })
    .returning();
  const id = (row as { id: string }).id;
  await t.ctx.db.insert(teamMembers).values(personIds.map((personId) => ({ teamId: id, personId })));
  return id;
}

describe("which statements change data", () => {
  it("knows writes from reads", () => {
    for (const write of [
      'insert into "people" ("id") values ($1)',
      "  UPDATE sessions set expires_at = $1",
      'delete from "status_updates"."updates" where id = $1',
      "with moved as (delete from a returning *) insert into b select * from moved",
      "create table x (id int)",
      "truncate notifications",
    ])
      expect(changesData(write)).toBe(true);
    for (const read of [
      'select "id" from "people" where "email" = $1',
      "select * from job_claims for update skip locked",
      "with recent as (select * from updates) select count(*) from recent",
      "select pg_notify($1, $2)",
    ])
      expect(changesData(read)).toBe(false);
  });
});

describe("Accept-Encoding", () => {
  it("takes gzip when listed or with a wildcard, not when refused with q=0", () => {
    expect(acceptsGzip("gzip, deflate, br")).toBe(true);
    expect(acceptsGzip("br;q=1.0, gzip;q=0.8")).toBe(true);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("deflate, br")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});

describe("the page cache", () => {
  it("serves a page again from memory and drops it as soon as something it read changes", async () => {
    const t = await testApp({ plugins: ["status-updates"] });
    open.push(t);
    const author = await t.signedIn("member");
    const teamId = await teamOf(t, [author.person.id]);
    await author.post("/status-updates/updates", { teamId, "q-bottom-line": "Search is live." });

    // The first view after posting carries the "Posted" flash message, which is never kept.
    expect(await (await author.get("/status-updates")).text()).toContain("Posted.");
    const first = await (await author.get("/status-updates")).text();
    expect(first).toContain("Search is live.");
    const hits = t.ctx.pages.hits;
    const again = await author.get("/status-updates");
    expect(await again.text()).toBe(first);
    expect(t.ctx.pages.hits).toBe(hits + 1);
    expect(again.headers.get("Content-Type")).toStartWith("text/html");
    expect(again.headers.get("Content-Security-Policy")).toBeTruthy();
    expect(again.headers.get("Content-Encoding")).toBeNull();
    // A browser (which accepts gzip) gets the kept page gzipped once, not per request.
    const zipped = await author.get("/status-updates", { "Accept-Encoding": "gzip, deflate, br" });
    expect(zipped.headers.get("Content-Encoding")).toBe("gzip");
    expect(zipped.headers.get("Vary")).toContain("Accept-Encoding");
    expect(new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await zipped.arrayBuffer())))).toBe(first);

    // Changed outside any request, outside a transaction: the next view shows it.
    await t.ctx.db.update(updates).set({ bottomLine: "Search is live everywhere." }).where(eq(updates.teamId, teamId));
    expect(await (await author.get("/status-updates")).text()).toContain("Search is live everywhere.");

    // Changed in a transaction: seen once it commits, not before.
    await author.get("/status-updates");
    await t.ctx.db.transaction(async (tx) => {
      await tx.update(updates).set({ bottomLine: "Rolled out to all teams." }).where(eq(updates.teamId, teamId));
    });
    expect(await (await author.get("/status-updates")).text()).toContain("Rolled out to all teams.");

    // Changed through a page: the author's redirect lands on the new state.
    expect(await (await author.get("/status-updates")).text()).toContain("0 comments");
    const [update] = await t.ctx.db.select({ id: updates.id }).from(updates).where(eq(updates.teamId, teamId));
    const commented = await author.post(`/status-updates/updates/${update?.id}/comments`, { body: "Nice work." });
    expect(commented.status).toBe(303);
    expect(await (await author.get("/status-updates")).text()).toContain("1 comment");
  });

  it("never shows a page older than a change that has finished, with views racing the changes", async () => {
    const t = await testApp({ plugins: ["status-updates"] });
    open.push(t);
    const author = await t.signedIn("member");
    const teamId = await teamOf(t, [author.person.id]);
    await author.post("/status-updates/updates", { teamId, "q-bottom-line": "Version 0." });
    await author.get("/status-updates");
    let stop = false;
    // Readers keep rendering and keeping the feed while the changes land.
    const readers = Array.from({ length: 4 }, async () => {
      while (!stop) await (await author.get("/status-updates")).text();
    });
    try {
      for (let version = 1; version <= 15; version++) {
        await t.ctx.db
          .update(updates)
          .set({ bottomLine: `Version ${version}.` })
          .where(eq(updates.teamId, teamId));
        const seen = await (await author.get("/status-updates")).text();
        expect(seen).toContain(`Version ${version}.`);
      }
    } finally {
      stop = true;
      await Promise.all(readers);
    }
    expect(t.ctx.pages.hits).toBeGreaterThan(0);
  });

  it("does not keep what a page read before a change that finished while it was rendering", async () => {
    // A page that counts audit entries, then waits until the test lets it finish.
    let gate: Promise<void> = Promise.resolve();
    const t = await testApp({
      pluginModules: [
        {
          id: "gated",
          name: "Gated",
          version: "1.0.0",
          apiVersion: "^1.0.0",
          setup(api: { pages: (build: (r: { get: (...a: unknown[]) => unknown }) => void) => void }) {
            api.pages((r) => {
              r.get(
                "/",
                "member",
                async (c: { html: (body: string) => Response }, s: { db: TestApp["ctx"]["db"] }) => {
                  const [row] = await s.db.select({ n: count() }).from(auditLog);
                  await gate;
                  return c.html(`<p>entries: ${row?.n}</p>`);
                },
                { keepRendered: true },
              );
            });
          },
        },
      ],
    });
    open.push(t);
    const member = await t.signedIn("member");
    const before = await (await member.get("/gated")).text();
    const n = Number(/entries: (\d+)/.exec(before)?.[1]);

    let release = (): void => {};
    gate = new Promise((done) => {
      release = done;
    });
    // A URL not kept yet, so this view renders (and would keep what it read).
    const rendering = member.get("/gated?view=2");
    await Bun.sleep(50);
    await t.ctx.db.insert(auditLog).values({ action: "test.changed" });
    // Also past the change's announcement to the instances (this one hears its own).
    await Bun.sleep(100);
    release();
    expect(await (await rendering).text()).toContain(`entries: ${n}`);
    gate = Promise.resolve();
    expect(await (await member.get("/gated?view=2")).text()).toContain(`entries: ${n + 1}`);
  });

  it("keeps each session's pages apart, and never keeps a page with a flash message or a non-200", async () => {
    const t = await testApp({});
    open.push(t);
    const admin = await t.signedIn("admin");
    const member = await t.signedIn("member");
    expect((await admin.get("/admin/people")).status).toBe(200);
    expect((await admin.get("/admin/people")).status).toBe(200);
    // The member's own request is checked and rendered, never answered with the admin's page.
    expect((await member.get("/admin/people")).status).toBe(403);
    expect((await member.get("/admin/people")).status).toBe(403);

    const size = t.ctx.pages.size;
    const flashed = await admin.get("/admin/people", { Cookie: "dt_flash=e30" });
    expect(flashed.status).toBe(200);
    expect(t.ctx.pages.size).toBe(size);
  });

  it("drops every page when rarely changing state that is also held in memory changes (a person's role)", async () => {
    const t = await testApp({});
    open.push(t);
    const member = await t.signedIn("member");
    expect((await member.get("/teams")).status).toBe(200);
    expect((await member.get("/admin/people")).status).toBe(403);
    await member.get("/teams");
    expect(t.ctx.pages.size).toBeGreaterThan(0);
    await t.ctx.db.update(people).set({ role: "admin" }).where(eq(people.id, member.person.id));
    expect(t.ctx.pages.size).toBe(0);
    expect((await member.get("/admin/people")).status).toBe(200);
  });

  it("holds on every instance within 2 s: an update posted on one shows in another's kept feed", async () => {
    const database = await freshDatabase();
    const env: Record<string, string> = database.url ? { DATABASE_URL: database.url } : {};
    const a = await testApp({ database, env, plugins: ["status-updates"] });
    open.push(a);
    const second = database.url ? await openDatabase({ url: database.url, maxConnections: 3 }) : database;
    const b = await testApp({ database: second, env, plugins: ["status-updates"], setup: false });
    open.push(b);

    const author = await a.signedIn("member");
    const teamId = await teamOf(a, [author.person.id]);
    const reader = await b.signedIn(author.person);
    await reader.get("/status-updates");
    await reader.get("/status-updates");
    expect(b.ctx.pages.size).toBeGreaterThan(0);

    await author.post("/status-updates/updates", { teamId, "q-bottom-line": "Posted on the first instance." });
    const took = await within(2_000, async () =>
      (await (await reader.get("/status-updates")).text()).includes("Posted on the first instance."),
    );
    expect(took).toBeLessThan(2_000);
  });
});
