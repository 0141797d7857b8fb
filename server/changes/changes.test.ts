import { afterAll, describe, expect, it } from "bun:test";
import { openDatabase } from "../db/index.ts";
import { teams } from "../people/schema.ts";
import { freshDatabase } from "../testing/database.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { within } from "../testing/wait.ts";

const DAY = 86_400_000;
const open: TestApp[] = [];
afterAll(async () => {
  // The second instance first: on the embedded database both share one engine.
  for (const app of open.reverse()) await app.close();
});

describe("a change on one instance", () => {
  it("holds on every instance within 2 s: a disabled plugin's nav, pages and jobs, a team membership", async () => {
    // Two instances of the app on one database: on Postgres each with its own connections and
    // its own LISTEN connection; on the embedded database (one process) sharing the engine.
    const database = await freshDatabase();
    // A long settings cache, so only the announcement can explain the second instance following.
    const env: Record<string, string> = {
      SETTINGS_CACHE_MS: "600000",
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    const a = await testApp({ database, env, plugins: ["kudos"] });
    open.push(a);
    const second = database.url ? await openDatabase({ url: database.url, maxConnections: 3 }) : database;
    const b = await testApp({ database: second, env, plugins: ["kudos"], setup: false });
    open.push(b);

    const member = await b.signedIn("member");
    expect(await (await member.get("/")).text()).toContain('href="/kudos"');
    expect((await member.get("/kudos")).status).toBe(200);
    // The prune job runs on the second instance once a day while the plugin is on.
    b.clock.advance(DAY);
    expect((await b.ctx.scheduler.tick()).ran).toContain("kudos.prune");

    const admin = await a.signedIn("admin");
    const toggled = await admin.post("/admin/plugins/kudos/toggle", { enabled: "false" });
    expect(toggled.status).toBeLessThan(400);

    const took = await within(2_000, async () => (await member.get("/kudos")).status === 404);
    expect(took).toBeLessThan(2_000);
    expect(await (await member.get("/")).text()).not.toContain('href="/kudos"');
    b.clock.advance(DAY);
    const tick = await b.ctx.scheduler.tick();
    expect([...tick.ran, ...tick.skipped]).not.toContain("kudos.prune");

    // And back on: the other instance follows the same way.
    await admin.post("/admin/plugins/kudos/toggle", { enabled: "true" });
    await within(2_000, async () => (await member.get("/kudos")).status === 200);

    // Team memberships, kept in memory on each instance, follow a change made on another.
    const [team] = await a.ctx.db.insert(teams).values({ name: "Platform", timeZone: "UTC" }).returning();
    const teamId = (team as { id: string }).id;
    await admin.post(`/admin/teams/${teamId}/members`, { personId: member.person.id });
    await within(2_000, async () => (await (await member.get("/teams")).text()).includes("Platform"));
    await admin.post(`/admin/teams/${teamId}/members/${member.person.id}/remove`, {});
    const left = await within(2_000, async () => !(await (await member.get("/teams")).text()).includes("Platform"));
    expect(left).toBeLessThan(2_000);
  });
});
