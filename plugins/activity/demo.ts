import { sql } from "drizzle-orm";
import { type DbOrTx, type DemoOrg, type PluginServices, pacer } from "../../server/plugin-api.ts";
import { secureNoise } from "./noise.ts";
import { currentPolicy } from "./policy.ts";
import { closedWeeks, releaseTeamWeek } from "./release.ts";
import { ensurePartitions, outsideWorkingHours, RAW_RETENTION_MS, refreshHours } from "./rollup.ts";
import { rollupState } from "./schema.ts";
import { SLOT_MS, slotOf } from "./sql.ts";

const mix: [string, number][] = [
  ["Focus work > Programming", 0.38],
  ["Communication > Chat", 0.16],
  ["Meetings", 0.14],
  ["Docs", 0.12],
  ["Browsing", 0.1],
  ["Communication > Email", 0.06],
  ["Other", 0.04],
];

/** A small deterministic generator, so every demo looks the same. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function pickCategory(r: number): string {
  let acc = 0;
  for (const [category, share] of mix) {
    acc += share;
    if (r < acc) return category;
  }
  return "Other";
}

/** Rows per insert statement: small enough that one statement holds the database briefly. */
const DEMO_CHUNK = 50;

/**
 * Four weeks of rollups for the demo teams, inserted in bulk, and the closed weeks released
 * (frozen, with noise) as the release job would. The last team gets data from only three
 * people, so its page shows the privacy threshold at work.
 */
export async function seedDemoActivity(
  tx: DbOrTx,
  demo: DemoOrg,
  _s: PluginServices<Record<string, unknown>>,
): Promise<void> {
  const horizon = slotOf(new Date(demo.now.getTime() - RAW_RETENTION_MS));
  const from = new Date(horizon.getTime() - 28 * 86_400_000);
  await ensurePartitions(tx, from, horizon);
  const rows: { p: string; s: string; c: string; n: number }[] = [];
  const seen = new Set<string>();
  // Thousands of slots per person, slow while the code is still cold: requests get a turn every
  // few milliseconds.
  const pause = pacer();
  for (const [t, team] of demo.teams.entries()) {
    const contributors = t === demo.teams.length - 1 ? team.memberIds.slice(0, 3) : team.memberIds;
    for (const [i, personId] of contributors.entries()) {
      if (seen.has(personId)) continue;
      seen.add(personId);
      const rand = random(t * 1000 + i + 1);
      const lateOwl = i % 4 === 0;
      for (let at = from.getTime(); at < horizon.getTime(); at += SLOT_MS) {
        await pause();
        const local = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(team.timeZone);
        const hour = local.hour + local.minute / 60;
        const workday = local.dayOfWeek <= 5;
        const start = lateOwl ? 10 : 8.5;
        const end = lateOwl ? 19.5 : 17;
        const inHours = workday && hour >= start && hour < end && !(hour >= 12.5 && hour < 13.25);
        const chance = inHours ? 0.85 : workday && hour >= 19 && hour < 22 ? 0.12 : 0.01;
        if (rand() >= chance) continue;
        rows.push({
          p: personId,
          s: new Date(at).toISOString(),
          c: pickCategory(rand()),
          n: Math.round(420 + rand() * 480),
        });
      }
    }
  }
  // Small statements: between them, other requests get their turn on the embedded database.
  for (let i = 0; i < rows.length; i += DEMO_CHUNK) {
    // After-hours is marked as the rows go in (as markAfterHours would), not by rewriting them all after.
    await tx.execute(sql`
      insert into activity.rollups (person_id, slot_start, category, seconds, after_hours)
      select x.p::uuid, x.s::timestamptz, x.c, x.n,
             ${outsideWorkingHours(sql`x.s::timestamptz`, sql`p.time_zone`, sql`p.working_hours`)}
      from json_to_recordset(${JSON.stringify(rows.slice(i, i + DEMO_CHUNK))}::json) as x(p text, s text, c text, n int)
      join people p on p.id = x.p::uuid
      on conflict do nothing`);
  }
  // A day at a time, for the same reason.
  for (let day = from.getTime(); day < horizon.getTime(); day += 86_400_000)
    await refreshHours(tx, new Date(day), new Date(Math.min(day + 86_400_000, horizon.getTime())));
  await tx
    .insert(rollupState)
    .values({ id: 1, rolledUntil: horizon })
    .onConflictDoUpdate({ target: rollupState.id, set: { rolledUntil: horizon } });
  const { minGroupSize } = await currentPolicy(tx);
  for (const team of demo.teams) {
    for (const week of closedWeeks(horizon, team.timeZone, 3)) {
      // Each release in a short transaction of its own (it takes a transaction-scoped lock).
      await releaseTeamWeek(tx, (fn) => tx.transaction(fn), team, week, {
        k: minGroupSize,
        noise: secureNoise,
        now: demo.now,
      });
    }
  }
}
