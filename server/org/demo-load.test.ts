import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "../db/rows.ts";
import { people } from "../people/schema.ts";
import { backgroundTasks } from "../tasks/schema.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { DEMO_OWNER_EMAIL } from "./demo-core.ts";

// The newcomer's first click, with every plugin and the settings cache off (SETTINGS_CACHE_MS=0,
// as in every test): the demo loads in the background while the portal keeps answering.
describe("loading the demo organization", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ plugins: "*", setup: false });
  }, 120_000);
  afterAll(() => t.close());

  it("answers at once with a progress page, keeps serving 50 concurrent reads and a scheduler tick meanwhile, and signs the starter in when done", async () => {
    const visitor = t.client();
    const started = await visitor.post("/setup/demo");
    expect(started.status).toBe(303);
    const progressPage = started.headers.get("Location") ?? "";
    expect(progressPage).toMatch(/^\/tasks\/[0-9a-f-]{36}$/);

    const first = await visitor.get(progressPage);
    expect(first.status).toBe(200);
    const body = await first.text();
    expect(body).toContain("Loading the demo organization");

    // Meanwhile: health checks and pages from other visitors, and the scheduler's tick.
    const reads = Array.from({ length: 50 }, (_, i) =>
      t
        .client()
        .get(i % 2 ? "/healthz" : "/login")
        .then((r) => r.status),
    );
    const tick = t.ctx.scheduler.tick();
    const statuses = await Promise.all(reads);
    expect(statuses.every((s) => s === 200 || s === 303)).toBe(true);
    await tick;
    await t.ctx.tasks.settled();

    const [task] = await t.ctx.db.select().from(backgroundTasks).where(eq(backgroundTasks.kind, "demo"));
    expect(task?.status).toBe("succeeded");
    expect(task?.done).toBe(task?.total);
    const finished = await visitor.get(progressPage, { "HX-Request": "true" });
    expect(finished.headers.get("HX-Redirect")).toBe("/setup/demo/enter");
    const entered = await visitor.get("/setup/demo/enter");
    expect(entered.headers.get("Location")).toBe("/");
    const home = await visitor.get("/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Ada");

    // Every plugin contributed.
    const counts = rowsOf<{ n: number }>(
      await t.ctx.db.execute(
        sql`select count(*)::int as n from ${people} where ${people.email} like '%@northwind.example'`,
      ),
    );
    expect(counts[0]?.n).toBeGreaterThan(20);
    const [owner] = await t.ctx.db.select().from(people).where(eq(people.email, DEMO_OWNER_EMAIL));
    expect(owner?.role).toBe("owner");
  }, 300_000);

  it("refuses a second load, and the progress page is not shown to strangers", async () => {
    const again = await t.client().post("/setup/demo");
    expect(again.status).toBe(303);
    expect(again.headers.get("Location")).toBe("/login");
    const [task] = await t.ctx.db.select().from(backgroundTasks).where(eq(backgroundTasks.kind, "demo"));
    const stranger = await t.signedIn("member");
    expect((await stranger.get(`/tasks/${task?.id}`)).status).toBe(404);
    const admin = await t.signedIn("admin");
    expect((await admin.get(`/tasks/${task?.id}`)).status).toBe(200);
  });
});
