import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { teamMembers, teams } from "../../server/plugin-api.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { noNoise } from "./noise.ts";
import { releaseDueWeeks } from "./release.ts";
import { ensurePartitions, markAfterHours, refreshHours } from "./rollup.ts";
import { rollups } from "./schema.ts";

// The clock is Monday 2026-03-02 09:00 UTC: the weekly digest covers 23 Feb – 1 Mar.
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["activity"] });
});
afterAll(() => t.close());

const lastMonday = Date.parse("2026-02-23T00:00:00Z");
type Person = Awaited<ReturnType<TestApp["person"]>>;

/** A team of `size` members with two hours of programming each last Tuesday, managed by `manager`. */
async function team(name: string, size: number, manager: Person): Promise<Person[]> {
  const [row] = await t.ctx.db.insert(teams).values({ name, timeZone: "UTC" }).returning();
  const teamId = (row as { id: string }).id;
  await t.ctx.db.insert(teamMembers).values({ teamId, personId: manager.id, isManager: true });
  const members: Person[] = [];
  for (let i = 0; i < size; i++) {
    const p = await t.person({ name: `Person ${i} ${crypto.randomUUID().slice(0, 6)}`, timeZone: "UTC" });
    await t.ctx.db.insert(teamMembers).values({ teamId, personId: p.id });
    members.push(p);
  }
  // Last week (the digest's period, not yet final) and the week before (closed and released).
  const from = lastMonday - 7 * 86_400_000;
  await ensurePartitions(t.ctx.db, new Date(from), new Date(lastMonday + 7 * 86_400_000));
  await t.ctx.db.insert(rollups).values(
    [from, lastMonday].flatMap((monday) =>
      members.flatMap((p) =>
        Array.from({ length: 8 }, (_, i) => ({
          personId: p.id,
          slotStart: new Date(monday + 86_400_000 + 10 * 3_600_000 + i * 900_000),
          category: "Focus work > Programming",
          seconds: 900,
        })),
      ),
    ),
  );
  await markAfterHours(t.ctx.db, new Date(from));
  await refreshHours(t.ctx.db, new Date(from));
  return members;
}

async function preview(person: Person): Promise<string> {
  const client = await t.signedIn(person);
  const res = await client.get("/digest/preview.html");
  expect(res.status).toBe(200);
  return res.text();
}

describe("digest section", () => {
  let manager: Person;
  let big: Person[];
  beforeAll(async () => {
    manager = await t.person({ name: "Mara Manager", role: "manager", timeZone: "UTC" });
    big = await team("Harbor", 5, manager);
    await team("Lantern", 3, manager);
    await t.ctx.scheduler.runNow("activity.rollup");
    await releaseDueWeeks(t.ctx.db, (fn) => t.ctx.db.transaction(fn), {
      k: 5,
      noise: noNoise,
      now: t.clock.now(),
      lookbackWeeks: 2,
    });
  });

  it("shows a person their own week, and no team aggregate", async () => {
    const html = await preview(big[0] as Person);
    expect(html).toContain("Your activity");
    expect(html).toContain("You were active 2 h (Focus work &gt; Programming 2 h). Only you see this line.");
    expect(html).not.toContain("Harbor");
    expect(html).not.toContain("active hours per member");
  });

  it("shows a manager the team aggregate only where the threshold holds", async () => {
    const html = await preview(manager);
    expect(html).toContain("Your activity");
    // The latest released week (16–22 Feb): the week being digested is not final until Tuesday.
    // Six members (the manager too) share the five people's 10 hours.
    expect(html).toMatch(
      /<strong>Harbor<\/strong>: week of 2026-02-16: 1\.667 ± [\d.]+ active hours per member; Focus work 100% ± \d+/,
    );
    expect(html).not.toContain("Lantern");
    // The manager had no activity of their own: no personal line.
    expect(html).not.toContain("You were active");
  });

  it("leaves the section out for someone with neither own activity nor a team over the threshold", async () => {
    const lonely = await t.person({ name: "Quiet Person", timeZone: "UTC" });
    expect(await preview(lonely)).not.toContain("Open your activity");
  });
});
