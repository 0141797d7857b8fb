import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { teamMembers, teams } from "../../server/plugin-api.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { noNoise } from "./noise.ts";
import { type Aggregate, aggregate, aggregatePerPerson, releaseTeamWeek, weekPeriod } from "./release.ts";
import { ensurePartitions } from "./rollup.ts";
import { releaseBudget, releases, rollups } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["activity"] });
});
afterAll(() => t.close());

const sorted = (rows: Aggregate[]): Aggregate[] =>
  [...rows].sort((a, b) => `${a.kind}|${a.slice}|${a.key}`.localeCompare(`${b.kind}|${b.slice}|${b.key}`));

describe("a release's figures", () => {
  it("are the same read a person at a time as the whole team in one statement", async () => {
    const [team] = await t.ctx.db.insert(teams).values({ name: "Split", timeZone: "Europe/Berlin" }).returning();
    const zones = ["Europe/Berlin", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Europe/Berlin", "UTC"];
    const members: { p: string; z: string }[] = [];
    for (const zone of zones) {
      const person = await t.person({ timeZone: zone });
      await t.ctx.db.insert(teamMembers).values({ teamId: team?.id ?? "", personId: person.id });
      members.push({ p: person.id, z: zone });
    }
    const week = "2026-02-16";
    const period = weekPeriod(week, "Europe/Berlin");
    await ensurePartitions(t.ctx.db, period.start, period.end);
    // Uneven weeks: one person reports far more than the clamps allow, one only after hours.
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const categories = ["Focus work > Programming", "Meetings", "Communication > Chat", "Docs"];
    const rows = members.flatMap(({ p }, i) =>
      Array.from({ length: 120 }, (_, n) => ({
        personId: p,
        slotStart: new Date(period.start.getTime() + (n * 7 + i * 3) * 15 * 60_000),
        category: categories[(n + i) % categories.length] as string,
        seconds: i === 0 ? 900 : Math.round(60 + rand() * 800),
        afterHours: i === 1 || rand() < 0.2,
      })),
    );
    await t.ctx.db.insert(rollups).values(rows);

    const whole = sorted(await aggregate(t.ctx.db, members, period, "Europe/Berlin"));
    const split = sorted(await aggregatePerPerson(t.ctx.db, members, period, "Europe/Berlin"));
    expect(whole.length).toBeGreaterThan(50);
    expect(split.map((r) => [r.kind, r.slice, r.key, Number(r.n)])).toEqual(
      whole.map((r) => [r.kind, r.slice, r.key, Number(r.n)]),
    );
    for (const [i, row] of split.entries()) expect(row.value).toBeCloseTo(Number(whole[i]?.value), 9);
  });

  it("spend one person's weekly budget once however many of their teams release at the same time", async () => {
    const shared = await t.person();
    const week = "2026-03-02";
    const found: { id: string; timeZone: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const [team] = await t.ctx.db
        .insert(teams)
        .values({ name: `Concurrent ${i}`, timeZone: "UTC" })
        .returning();
      const ref = { id: team?.id ?? "", timeZone: "UTC" };
      found.push(ref);
      await t.ctx.db.insert(teamMembers).values({ teamId: ref.id, personId: shared.id });
      for (let j = 0; j < 5; j++)
        await t.ctx.db.insert(teamMembers).values({ teamId: ref.id, personId: (await t.person()).id });
    }
    const results = await Promise.all(
      found.map((team) =>
        releaseTeamWeek(t.ctx.db, (fn) => t.ctx.db.transaction(fn), team, week, {
          k: 5,
          noise: noNoise,
          now: t.clock.now(),
        }),
      ),
    );
    expect(results).toEqual([true, true, true]);
    // Two releases a week fit one person's budget: the third team's leaves them out.
    const spent = await t.ctx.db
      .select()
      .from(releaseBudget)
      .where(and(eq(releaseBudget.personId, shared.id), eq(releaseBudget.week, week)));
    expect(spent).toHaveLength(2);
    const released = await t.ctx.db.select().from(releases).where(eq(releases.week, week));
    expect(new Set(released.map((r) => r.teamId)).size).toBe(3);
  });
});
