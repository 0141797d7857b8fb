import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { teamMembers, teams } from "../../server/plugin-api.ts";
import { type TestApp, testApp } from "../../server/testing/test-app.ts";
import { registerDevice } from "./devices.ts";
import { type Noise, RHO_PER_PERSON_WEEK, secureNoise, seededNoise } from "./noise.ts";
import { releaseDueWeeks } from "./release.ts";
import { ensurePartitions, markAfterHours, refreshHours } from "./rollup.ts";
import { releaseCells, releases, rollups } from "./schema.ts";
import { rowsOf } from "./sql.ts";

/**
 * Attacks on the published team figures, each written the way a curious member, manager or
 * admin would run it through the JSON API. Every one of them recovered one person's activity
 * from the live figures the product used to compute at read time.
 */

type Person = Awaited<ReturnType<TestApp["person"]>>;
interface HeatCell {
  weekday: number;
  hour: number;
  value: number;
  plusMinus: number;
}

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ plugins: ["activity"] });
});
afterAll(() => t.close());

/** Monday 16 February 2026, 00:00 UTC: a week that is closed and final at the test clock. */
const MONDAY = Date.parse("2026-02-16T00:00:00Z");

/** One member: their zone and the hours (offsets from MONDAY) they were active, 30 minutes each. */
interface Profile {
  zone?: string;
  hours: number[];
}

const workday = (day: number): number[] => [9, 10, 11, 13, 14, 15].map((h) => day * 24 + h);
const usualWeek = [0, 1, 2, 3, 4].flatMap(workday);

async function addRollups(person: Person, hours: number[]): Promise<void> {
  await ensurePartitions(t.ctx.db, new Date(MONDAY), new Date(MONDAY + 7 * 86_400_000));
  await t.ctx.db.insert(rollups).values(
    hours.flatMap((h) =>
      [0, 1].map((q) => ({
        personId: person.id,
        slotStart: new Date(MONDAY + h * 3_600_000 + q * 900_000),
        category: h % 2 ? "Communication > Chat" : "Focus work > Programming",
        seconds: 900,
      })),
    ),
  );
}

async function teamOf(profiles: Profile[], extra: Person[] = []): Promise<{ id: string; members: Person[] }> {
  const [row] = await t.ctx.db
    .insert(teams)
    .values({ name: `Team ${crypto.randomUUID().slice(0, 8)}`, timeZone: "UTC" })
    .returning({ id: teams.id });
  const id = (row as { id: string }).id;
  const members: Person[] = [];
  for (const profile of profiles) {
    const p = await t.person({ timeZone: profile.zone ?? "UTC" });
    await addRollups(p, profile.hours);
    members.push(p);
  }
  for (const p of [...members, ...extra]) await t.ctx.db.insert(teamMembers).values({ teamId: id, personId: p.id });
  await markAfterHours(t.ctx.db, new Date(MONDAY));
  await refreshHours(t.ctx.db, new Date(MONDAY));
  return { id, members };
}

async function release(noise: Noise = secureNoise): Promise<void> {
  await t.ctx.scheduler.runNow("activity.rollup");
  await releaseDueWeeks(t.ctx.db, (fn) => t.ctx.db.transaction(fn), {
    k: 5,
    noise,
    now: t.clock.now(),
    lookbackWeeks: 3,
  });
}

async function figures(viewer: Person, teamId: string, query = ""): Promise<Record<string, unknown>> {
  const res = await (await t.signedIn(viewer)).get(`/api/activity/teams/${teamId}${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const heatOf = (body: Record<string, unknown>): HeatCell[] =>
  ((body.figures as { heatmap?: HeatCell[] }).heatmap ?? []) as HeatCell[];
const cellAt = (cells: HeatCell[], weekday: number, hour: number): HeatCell | undefined =>
  cells.find((c) => c.weekday === weekday && c.hour === hour);

describe("attacks on the team figures", () => {
  it("complementary filters: a zone slice never leaves a lone member in the rest of a cell", async () => {
    // 8 in Berlin and 8 in New York, all working the usual week; one New Yorker also works
    // Monday 20:00 UTC, alongside every Berliner.
    const evening = 20;
    const berlin = Array.from({ length: 8 }, () => ({ zone: "Europe/Berlin", hours: [...usualWeek, evening] }));
    const newYork = Array.from({ length: 8 }, (_, i) => ({
      zone: "America/New_York",
      hours: i === 0 ? [...usualWeek, evening] : usualWeek,
    }));
    const team = await teamOf([...berlin, ...newYork]);
    await release();
    const viewer = team.members[3] as Person;
    const whole = heatOf(await figures(viewer, team.id));
    const slice = heatOf(await figures(viewer, team.id, "?zone=Europe/Berlin"));
    expect(cellAt(whole, 1, evening)).toBeDefined();
    expect(slice.length).toBeGreaterThan(0);
    // Whole team minus the Berlin slice would be the lone New Yorker's hour: the slice's cell
    // is suppressed together with its complement.
    expect(cellAt(slice, 1, evening)).toBeUndefined();
    expect(cellAt(heatOf(await figures(viewer, team.id, "?zone=America/New_York")), 1, evening)).toBeUndefined();
  });

  it("before and after: a new or late event moves no published number", async () => {
    const team = await teamOf(Array.from({ length: 6 }, () => ({ hours: usualWeek })));
    await release();
    const viewer = team.members[1] as Person;
    const before = await figures(viewer, team.id);
    expect((before.figures as { shown: boolean }).shown).toBe(true);
    // One member sends a 1,234 s event now, and the jobs run.
    const { token } = await registerDevice(t.ctx.db, {
      personId: (team.members[0] as Person).id,
      name: "laptop",
      at: t.clock.now(),
    });
    const start = new Date(t.clock.now().getTime() - 3_600_000).toISOString();
    const sent = await t.client().request("/api/activity/events", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ events: [{ id: "late-1", start, duration: 1234, app: "Code" }] }),
    });
    expect(sent.status).toBe(200);
    await release();
    expect(await figures(viewer, team.id)).toEqual(before);
    for (const query of ["?weeks=1", "?weeks=12"])
      expect(await figures(viewer, team.id, query)).toEqual(await figures(viewer, team.id, query));
  });

  it("membership churn: removing and re-adding a member changes no published number", async () => {
    const team = await teamOf(Array.from({ length: 7 }, () => ({ hours: usualWeek })));
    await release();
    const viewer = team.members[1] as Person;
    const leaver = team.members[0] as Person;
    const before = await figures(viewer, team.id);
    await t.ctx.db.delete(teamMembers).where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.personId, leaver.id)));
    await release();
    const without = await figures(viewer, team.id);
    await t.ctx.db.insert(teamMembers).values({ teamId: team.id, personId: leaver.id });
    await release();
    expect(without).toEqual(before);
    expect(await figures(viewer, team.id)).toEqual(before);
  });

  it("overlapping teams: two teams that differ by one person do not reveal that person", async () => {
    // X works an unusual pattern: every evening 19:00–22:00 UTC; the six others the usual week.
    const xHours = [0, 1, 2, 3, 4].flatMap((d) => [19, 20, 21].map((h) => d * 24 + h));
    const others = Array.from({ length: 6 }, () => ({ hours: [...usualWeek, ...xHours] }));
    const a = await teamOf(others);
    const x = await t.person();
    await addRollups(x, [...usualWeek, ...xHours]);
    const b = await teamOf([], [...a.members, x]);
    await refreshHours(t.ctx.db, new Date(MONDAY));
    await release(seededNoise(7));
    const viewer = a.members[0] as Person;
    const heatA = heatOf(await figures(viewer, a.id, "?weeks=1"));
    const heatB = heatOf(await figures(viewer, b.id, "?weeks=1"));
    // The attacker knows the team sizes (6 and 7) and X's true hours are 0.5 h in each cell.
    const errors = heatB.flatMap((cb) => {
      const ca = cellAt(heatA, cb.weekday, cb.hour);
      return ca ? [Math.abs(cb.value * 7 - ca.value * 6 - 0.5)] : [];
    });
    expect(errors.length).toBeGreaterThan(20);
    const meanError = errors.reduce((s, e) => s + e, 0) / errors.length;
    // Off by more than X's whole contribution to a cell, on average: the difference tells nothing.
    expect(meanError).toBeGreaterThan(1);
    // And the published ± says so honestly: wider than one person's largest possible hour.
    for (const cell of heatB) expect(cell.plusMinus * 7).toBeGreaterThan(1);
  });

  it("budget: a person in three teams is left out of the third release of the week", async () => {
    const x = await t.person();
    await addRollups(x, usualWeek);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await teamOf(
            Array.from({ length: 5 }, () => ({ hours: usualWeek })),
            [x],
          )
        ).id,
      );
    await release();
    const [spent] = rowsOf<{ rho: number }>(
      await t.ctx.db.execute(
        sql`select sum(rho)::float8 as rho from activity.release_budget where person_id = ${x.id}::uuid and week = '2026-02-16'`,
      ),
    );
    expect(spent?.rho).toBeLessThanOrEqual(RHO_PER_PERSON_WEEK);
    const sizes = await t.ctx.db
      .select({ members: releases.members })
      .from(releases)
      .where(and(eq(releases.week, "2026-02-16"), eq(releases.slice, "")));
    const ours = (
      await Promise.all(
        ids.map(async (id) => {
          const [r] = await t.ctx.db
            .select({ members: releases.members })
            .from(releases)
            .where(and(eq(releases.teamId, id), eq(releases.week, "2026-02-16"), eq(releases.slice, "")));
          return r?.members;
        }),
      )
    ).sort();
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    expect(ours).toEqual([5, 6, 6]);
  });

  it("a release is written once: re-reading never draws fresh noise, re-running never replaces it", async () => {
    const team = await teamOf(Array.from({ length: 5 }, () => ({ hours: usualWeek })));
    await release();
    const stored = async () =>
      (await t.ctx.db.select().from(releaseCells).where(eq(releaseCells.teamId, team.id))).sort((p, q) =>
        `${p.week}${p.slice}${p.kind}${p.key}`.localeCompare(`${q.week}${q.slice}${q.kind}${q.key}`),
      );
    const first = await stored();
    expect(first.length).toBeGreaterThan(0);
    await release();
    expect(await stored()).toEqual(first);
    const viewer = team.members[0] as Person;
    expect(await figures(viewer, team.id)).toEqual(await figures(viewer, team.id));
  });

  it("the digest's team line is the frozen release, unchanged by new activity", async () => {
    const manager = await t.person({ role: "manager" });
    const team = await teamOf(Array.from({ length: 5 }, () => ({ hours: usualWeek })));
    await t.ctx.db.insert(teamMembers).values({ teamId: team.id, personId: manager.id, isManager: true });
    await release();
    const client = await t.signedIn(manager);
    const line = async (): Promise<string> => {
      const html = await (await client.get("/digest/preview.html")).text();
      return /<li><strong>Team [^<]+<\/strong>: week of [^<]+<\/li>/.exec(html)?.[0] ?? "";
    };
    const before = await line();
    expect(before).toContain("week of 2026-02-16");
    await addRollups(team.members[0] as Person, [7 * 24 + 2]);
    await release();
    expect(await line()).toBe(before);
  });
});
