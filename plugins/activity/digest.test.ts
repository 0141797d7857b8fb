import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { teamMembers, teams } from "../../server/plugin-api.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
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
  await ensurePartitions(t.ctx.db, new Date(lastMonday), new Date(lastMonday + 7 * 86_400_000));
  await t.ctx.db.insert(rollups).values(
    members.flatMap((p) =>
      Array.from({ length: 8 }, (_, i) => ({
        personId: p.id,
        slotStart: new Date(lastMonday + 86_400_000 + 10 * 3_600_000 + i * 900_000),
        category: "Focus work > Programming",
        seconds: 900,
      })),
    ),
  );
  await markAfterHours(t.ctx.db, new Date(lastMonday));
  await refreshHours(t.ctx.db, new Date(lastMonday));
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
  });

  it("shows a person their own week, and no team aggregate", async () => {
    const html = await preview(big[0] as Person);
    expect(html).toContain("Your activity");
    expect(html).toContain("You were active 2 h (Focus work &gt; Programming 2 h). Only you see this line.");
    expect(html).not.toContain("Harbor");
    expect(html).not.toContain("active hours per person");
  });

  it("shows a manager the team aggregate only where the threshold holds", async () => {
    const html = await preview(manager);
    expect(html).toContain("Your activity");
    expect(html).toContain("<strong>Harbor</strong>: 2 active hours per person; Focus work 100%");
    expect(html).not.toContain("Lantern");
    // The manager had no activity of their own: no personal line.
    expect(html).not.toContain("You were active");
  });

  it("leaves the section out for someone with neither own activity nor a team over the threshold", async () => {
    const lonely = await t.person({ name: "Quiet Person", timeZone: "UTC" });
    expect(await preview(lonely)).not.toContain("Open your activity");
  });
});
